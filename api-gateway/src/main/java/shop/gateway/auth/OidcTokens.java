package shop.gateway.auth;

import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import shop.defaults.Caller;
import shop.defaults.Role;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks OIDC access tokens: signed by a key the issuer publishes (RS256 or ES256), from the
 * configured issuer, for the configured audience, unexpired; the customer comes from a claim.
 * The issuer's keys are looked up on first use and cached (and refreshed when a new key appears).
 */
@Component
class OidcTokens {

    private static final Logger log = LoggerFactory.getLogger(OidcTokens.class);

    private final OidcProperties properties;
    private final JsonMapper json;
    private volatile DefaultJWTProcessor<SecurityContext> processor;

    OidcTokens(OidcProperties properties, JsonMapper json) {
        this.properties = properties;
        this.json = json;
    }

    boolean enabled() {
        return properties.enabled();
    }

    /** The caller a valid token stands for; empty for any token that is not. */
    Optional<Caller> callerFor(String token) {
        try {
            JWTClaimsSet claims = processor().process(token, null);
            String customer = claims.getStringClaim(properties.customerClaim());
            if (customer == null || customer.isBlank()) {
                return Optional.empty();
            }
            List<String> roles = claims.getStringListClaim(properties.rolesClaim());
            boolean admin = roles != null && roles.contains("admin");
            return Optional.of(new Caller(customer, admin ? Role.ADMIN : Role.CUSTOMER));
        }
        catch (Exception e) {
            log.debug("Refused a bearer token: {}", e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private DefaultJWTProcessor<SecurityContext> processor() throws Exception {
        DefaultJWTProcessor<SecurityContext> built = processor;
        if (built == null) {
            synchronized (this) {
                if (processor == null) {
                    processor = build();
                }
                built = processor;
            }
        }
        return built;
    }

    private DefaultJWTProcessor<SecurityContext> build() throws Exception {
        URI issuer = properties.issuer();
        URI discovery = URI.create(issuer.toString().replaceAll("/$", "") + "/.well-known/openid-configuration");
        HttpResponse<InputStream> answer = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
            .send(HttpRequest.newBuilder(discovery).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        String jwksUri = json.readTree(answer.body()).get("jwks_uri").asString();
        JWKSource<SecurityContext> keys = JWKSourceBuilder.create(new URL(jwksUri)).retrying(true).build();
        DefaultJWTProcessor<SecurityContext> jwt = new DefaultJWTProcessor<>();
        jwt.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), keys));
        jwt.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(properties.audience(),
                new JWTClaimsSet.Builder().issuer(issuer.toString()).build(), Set.of("exp", "iat")));
        return jwt;
    }
}
