package shop.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shop.defaults.Caller;
import shop.defaults.Role;
import shop.defaults.StrictJson;

/**
 * Checks OIDC access tokens: signed by a key the issuer publishes (RS256 or ES256), from the
 * configured issuer, for the configured audience, unexpired; the customer comes from a claim and
 * {@code admin} in the roles claim makes an admin. The issuer's keys are found through its
 * discovery document on first use and cached (refreshed when a token names a new key). All of it
 * runs on a worker thread: fetching keys is network I/O, and an RS256/ES256 check costs far more
 * CPU than an event loop should spend on one request.
 */
final class OidcTokens {

    private static final Logger log = LoggerFactory.getLogger(OidcTokens.class);
    private static final Duration RETRY_DISCOVERY = Duration.ofSeconds(5);

    private final Vertx vertx;
    private final OidcSettings settings;
    private volatile @Nullable DefaultJWTProcessor<SecurityContext> processor;
    /** While the issuer cannot be reached, tokens are refused at once instead of each waiting for it again. */
    private volatile long nextDiscoveryNanos = System.nanoTime();

    OidcTokens(Vertx vertx, OidcSettings settings) {
        this.vertx = vertx;
        this.settings = settings;
    }

    /** The caller a valid token stands for; empty for any token that is not. */
    Future<Optional<Caller>> callerFor(String token) {
        return vertx.executeBlocking(() -> verify(token), false);
    }

    private Optional<Caller> verify(String token) {
        try {
            JWTClaimsSet claims = processor().process(token, null);
            String customer = claims.getStringClaim(settings.customerClaim());
            if (customer == null || customer.isBlank()) {
                return Optional.empty();
            }
            List<String> roles = claims.getStringListClaim(settings.rolesClaim());
            boolean admin = roles != null && roles.contains("admin");
            return Optional.of(new Caller(customer, admin ? Role.ADMIN : Role.CUSTOMER));
        } catch (Exception e) {
            // The class says why (expired, wrong signature...); the message may quote the token.
            log.debug("Refused a bearer token: {}", e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private DefaultJWTProcessor<SecurityContext> processor() throws Exception {
        DefaultJWTProcessor<SecurityContext> built = processor;
        if (built == null) {
            synchronized (this) {
                built = processor;
                if (built == null) {
                    if (System.nanoTime() - nextDiscoveryNanos < 0) {
                        throw new IllegalStateException("The issuer was not reachable a moment ago");
                    }
                    try {
                        built = build();
                    } catch (Exception e) {
                        nextDiscoveryNanos = System.nanoTime() + RETRY_DISCOVERY.toNanos();
                        log.warn(
                                "Cannot read the OIDC issuer's keys ({}); tokens are refused for {} s",
                                e.getClass().getSimpleName(),
                                RETRY_DISCOVERY.toSeconds());
                        throw e;
                    }
                    processor = built;
                }
            }
        }
        return built;
    }

    private DefaultJWTProcessor<SecurityContext> build() throws Exception {
        URI issuer = settings.issuer();
        URI discovery = URI.create(issuer.toString().replaceAll("/$", "") + "/.well-known/openid-configuration");
        HttpResponse<InputStream> answer = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(2))
                .build()
                .send(
                        HttpRequest.newBuilder(discovery)
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
        JsonNode document = StrictJson.mapper().readTree(answer.body());
        if (answer.statusCode() != 200 || !document.path("jwks_uri").isTextual()) {
            throw new IllegalStateException("The issuer's discovery document has no jwks_uri");
        }
        JWKSource<SecurityContext> keys = JWKSourceBuilder.create(
                        URI.create(document.get("jwks_uri").asText()).toURL())
                .retrying(true)
                .build();
        DefaultJWTProcessor<SecurityContext> jwt = new DefaultJWTProcessor<>();
        jwt.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), keys));
        jwt.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                settings.audience(),
                new JWTClaimsSet.Builder().issuer(issuer.toString()).build(),
                Set.of("exp", "iat")));
        return jwt;
    }
}
