package shop.gateway.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shop.defaults.Caller;
import shop.defaults.Role;

/**
 * Checks OIDC access tokens with nimbus-jose-jwt: signed by a key the issuer publishes (RS256 or
 * ES256), of type {@code JWT} or {@code at+jwt} (RFC 9068), from the configured issuer, for the
 * configured audience, within their time (30 s of clock skew allowed); the customer comes from a
 * claim and {@code admin} in the roles claim makes an admin.
 *
 * <p>Nothing here waits for the issuer on a request's path or blocks an event loop. The discovery
 * document (whose {@code issuer} must be the configured one) and the keys are fetched with Vert.x's
 * client at start, again every {@link OidcSettings#refresh()}, and when a token names a key not
 * seen yet (at most once per {@link OidcSettings#unknownKeyRefetch()}); while the issuer cannot be
 * reached, start-up retries with backoff and tokens are refused at once. A signature check (about
 * 300 us of CPU) runs on a worker thread, and a token once accepted is taken again, by its hash,
 * until it expires. Every refusal is logged at WARN with its reason, never with the token.
 */
final class OidcTokens {

    private static final Logger log = LoggerFactory.getLogger(OidcTokens.class);
    private static final int CLOCK_SKEW_SECONDS = 30;
    private static final int CACHED = 10_000;
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LAST_RETRY = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final OidcSettings settings;
    private final HttpClientAgent http;
    private volatile @Nullable Keys keys;
    private volatile @Nullable URI jwksUri;
    /** The fetch under way, which tokens naming an unknown key wait for; null when none is. */
    private @Nullable Future<Keys> fetching;

    private volatile long lastFetchNanos =
            System.nanoTime() - Duration.ofDays(1).toNanos();
    private final Map<String, Accepted> accepted = new ConcurrentHashMap<>();

    /** The issuer's keys as last fetched: their ids, and the processor that checks tokens with them. */
    private record Keys(Set<String> kids, DefaultJWTProcessor<SecurityContext> processor) {}

    private record Accepted(Caller caller, Instant expires) {}

    private OidcTokens(Vertx vertx, OidcSettings settings) {
        this.vertx = vertx;
        this.settings = settings;
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout(2_000)
                .setIdleTimeout(5)
                .setName("oidc-issuer"));
    }

    /** Starts fetching the issuer's keys (retrying until it answers), and fetches them again every refresh. */
    static OidcTokens start(Vertx vertx, OidcSettings settings) {
        OidcTokens tokens = new OidcTokens(vertx, settings);
        tokens.fetchUntilDone(FIRST_RETRY);
        vertx.setPeriodic(settings.refresh().toMillis(), timer -> tokens.fetch());
        return tokens;
    }

    /** The caller a valid token stands for; empty for any token that is not. */
    Future<Optional<Caller>> callerFor(String token) {
        String hash = sha256(token);
        Accepted earlier = accepted.get(hash);
        if (earlier != null) {
            if (Instant.now().isBefore(earlier.expires())) {
                return Future.succeededFuture(Optional.of(earlier.caller()));
            }
            accepted.remove(hash);
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException | IllegalArgumentException e) {
            return refuse("not a signed JWT");
        }
        Keys current = keys;
        String kid = jwt.getHeader().getKeyID();
        if (current == null || (kid != null && !current.kids().contains(kid))) {
            Future<Keys> fresh = onThisRequestsContext(fetchForUnknownKey());
            if (fresh == null) {
                return refuse(
                        current == null ? "the issuer's keys are not loaded (issuer unreachable)" : "unknown kid");
            }
            return fresh.transform(done -> done.succeeded()
                    ? check(jwt, hash, done.result())
                    : refuse("the issuer's keys are not loaded (issuer unreachable)"));
        }
        return check(jwt, hash, current);
    }

    private Future<Optional<Caller>> check(SignedJWT jwt, String hash, Keys with) {
        return vertx.executeBlocking(() -> with.processor().process(jwt, null), false)
                .map(claims -> callerOf(claims, hash))
                .otherwise(failure -> {
                    log.warn("Refused a bearer token: {}", reason(failure));
                    return Optional.empty();
                });
    }

    private Optional<Caller> callerOf(JWTClaimsSet claims, String hash) {
        String customer;
        List<String> roles;
        try {
            customer = claims.getStringClaim(settings.customerClaim());
            roles = claims.getStringListClaim(settings.rolesClaim());
        } catch (ParseException e) {
            log.warn(
                    "Refused a bearer token: its {} or {} claim is not of the expected type",
                    settings.customerClaim(),
                    settings.rolesClaim());
            return Optional.empty();
        }
        if (customer == null || customer.isBlank()) {
            log.warn("Refused a bearer token: no {} claim", settings.customerClaim());
            return Optional.empty();
        }
        Caller caller = new Caller(customer, roles != null && roles.contains("admin") ? Role.ADMIN : Role.CUSTOMER);
        if (accepted.size() >= CACHED) {
            accepted.clear();
        }
        accepted.put(hash, new Accepted(caller, claims.getExpirationTime().toInstant()));
        return Optional.of(caller);
    }

    private static Future<Optional<Caller>> refuse(String reason) {
        log.warn("Refused a bearer token: {}", reason);
        return Future.succeededFuture(Optional.empty());
    }

    /** Why nimbus refused a token, in its words (which name claims, never the token), on one line. */
    private static String reason(Throwable failure) {
        String message = failure instanceof BadJOSEException || failure instanceof ParseException
                ? String.valueOf(failure.getMessage())
                : failure.getClass().getSimpleName();
        String printable = message.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 200 ? printable.substring(0, 200) + "..." : printable;
    }

    /**
     * The keys fetched again for a token naming a key not seen yet, or null when a fetch was made
     * too recently: the fetch under way if there is one, else a new one.
     */
    private synchronized @Nullable Future<Keys> fetchForUnknownKey() {
        if (fetching != null) {
            return fetching;
        }
        if (System.nanoTime() - lastFetchNanos < settings.unknownKeyRefetch().toNanos()) {
            return null;
        }
        return fetch();
    }

    /**
     * A fetch that other requests may wait for too, as this request sees it: each goes on in its own
     * context (which holds its trace), not in the one the fetch ends in.
     */
    private static <T> @Nullable Future<T> onThisRequestsContext(@Nullable Future<T> shared) {
        Context own = Vertx.currentContext();
        if (shared == null || own == null) {
            return shared;
        }
        return Future.fromCompletionStage(shared.toCompletionStage(), own);
    }

    /** Fetches the keys (the discovery document first, until it has been read once). */
    private synchronized Future<Keys> fetch() {
        if (fetching != null) {
            return fetching;
        }
        lastFetchNanos = System.nanoTime();
        Promise<Keys> done = Promise.promise();
        fetching = done.future();
        URI known = jwksUri;
        (known == null ? discover() : Future.succeededFuture(known))
                .compose(this::fetchKeys)
                .onComplete(fetched -> {
                    if (fetched.succeeded()) {
                        keys = fetched.result();
                    } else {
                        log.warn(
                                "Cannot read the OIDC issuer's keys ({}); tokens naming keys not known are refused",
                                fetched.cause().getMessage());
                    }
                    synchronized (this) {
                        fetching = null;
                    }
                    done.handle(fetched);
                });
        return done.future();
    }

    private void fetchUntilDone(Duration delay) {
        fetch().onFailure(failure -> {
            log.warn("Trying the OIDC issuer again in {} s", delay.toSeconds());
            vertx.setTimer(delay.toMillis(), timer -> {
                if (keys == null) {
                    Duration next = delay.multipliedBy(2);
                    fetchUntilDone(next.compareTo(LAST_RETRY) > 0 ? LAST_RETRY : next);
                }
            });
        });
    }

    /** Reads the discovery document: its issuer must be the configured one, and it names the keys' URL. */
    private Future<URI> discover() {
        String issuer = settings.issuer().toString();
        URI discovery = URI.create(issuer.replaceAll("/$", "") + "/.well-known/openid-configuration");
        return get(discovery).map(body -> {
            JsonObject document = new JsonObject(body);
            if (!issuer.equals(document.getValue("issuer"))) {
                throw new IllegalStateException(
                        "the discovery document names another issuer than SHOP_GATEWAY_OIDC_ISSUER");
            }
            if (!(document.getValue("jwks_uri") instanceof String jwks)) {
                throw new IllegalStateException("the discovery document has no jwks_uri");
            }
            URI uri = URI.create(jwks);
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
                throw new IllegalStateException("the discovery document's jwks_uri is not an http(s) URL");
            }
            jwksUri = uri;
            return uri;
        });
    }

    private Future<Keys> fetchKeys(URI uri) {
        return get(uri).map(body -> {
            JWKSet set;
            try {
                set = JWKSet.parse(body);
            } catch (ParseException e) {
                throw new IllegalStateException("the issuer's key set cannot be read");
            }
            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            // No typ, JWT, or an RFC 9068 access token's (the verifier's own set: it holds null).
            processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(
                    JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt"), null));
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
                    Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), new ImmutableJWKSet<>(set)));
            DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                    settings.audience(),
                    new JWTClaimsSet.Builder()
                            .issuer(settings.issuer().toString())
                            .build(),
                    Set.of("exp", "iat"));
            claims.setMaxClockSkew(CLOCK_SKEW_SECONDS);
            processor.setJWTClaimsSetVerifier(claims);
            Set<String> kids = set.getKeys().stream()
                    .map(JWK::getKeyID)
                    .filter(kid -> kid != null)
                    .collect(Collectors.toUnmodifiableSet());
            log.info("Read the OIDC issuer's keys: {} keys", set.getKeys().size());
            return new Keys(kids, processor);
        });
    }

    private Future<String> get(URI uri) {
        Promise<String> body = Promise.promise();
        http.request(new RequestOptions()
                        .setMethod(HttpMethod.GET)
                        .setAbsoluteURI(uri.toString())
                        .putHeader("Accept", "application/json"))
                .compose(request -> request.send())
                .compose(response -> {
                    if (response.statusCode() != 200) {
                        return Future.failedFuture(uri.getPath() + " answered " + response.statusCode());
                    }
                    return response.body().map(buffer -> buffer.toString(StandardCharsets.UTF_8));
                })
                .onComplete(body);
        return body.future();
    }

    private static String sha256(String token) {
        try {
            return Base64.getEncoder()
                    .encodeToString(
                            MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }
}
