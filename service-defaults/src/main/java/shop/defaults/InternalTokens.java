package shop.defaults;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Vertx;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Short-lived tokens (JWT, HS256) by which one Shop service tells another who is calling: the
 * calling service ({@code iss}), the service called ({@code aud}) and the end user ({@code sub}
 * and {@code role}). Each is signed with the key of its pair of services, named in its {@code kid}
 * ({@link InternalKeys}); the caller a token proves is the one its key belongs to, whatever it
 * claims. Symmetric on purpose: a signature and its check cost microseconds, where an asymmetric
 * one per hop would cost hundreds.
 */
public class InternalTokens {

    private static final Duration CLOCK_SKEW = Duration.ofSeconds(5);
    private static final Duration WHOLE_SECONDS = Duration.ofSeconds(1);
    private static final int CACHED = 10_000;
    private static final Logger log = LoggerFactory.getLogger(InternalTokens.class);

    private final String service;
    private final Duration ttl;
    private final Clock clock;
    private volatile Ring ring;
    /**
     * Tokens issued, by audience and caller, used again until half their life is gone; and tokens
     * checked, by their text, until they expire. Signing and parsing a JWT took a sixth of the
     * gateway's CPU per order; a token is a bearer credential for its audience and caller alike,
     * however often it is sent. Both are bounded: past {@link #CACHED} entries they start afresh.
     * Each entry names the keys it was made with: new keys make every earlier entry stale, so a
     * withdrawn key stops working at once.
     */
    private final Map<String, Issued> issued = new ConcurrentHashMap<>();

    private final Map<String, Checked> checked = new ConcurrentHashMap<>();

    private record Issued(String token, Instant renewAfter, Ring ring) {}

    private record Checked(InternalCall call, Instant expires, Ring ring) {}

    private record Signing(JWSHeader header, MACSigner signer) {}

    private record Accepted(String from, MACVerifier verifier) {}

    /** One set of keys, ready to use: the signer for each service called, the verifier for each kid taken. */
    private record Ring(Map<String, Signing> signing, Map<String, Accepted> accepted) {

        static Ring of(String service, InternalKeys keys) {
            Map<String, Signing> signing = new HashMap<>();
            Map<String, Accepted> accepted = new HashMap<>();
            try {
                for (InternalKeys.Key key : keys.all()) {
                    if (key.from().equals(service) && !signing.containsKey(key.to())) {
                        signing.put(
                                key.to(),
                                new Signing(
                                        new JWSHeader.Builder(JWSAlgorithm.HS256)
                                                .keyID(key.kid())
                                                .build(),
                                        new MACSigner(key.secret())));
                    }
                    if (key.to().equals(service)) {
                        accepted.put(key.kid(), new Accepted(key.from(), new MACVerifier(key.secret())));
                    }
                }
            } catch (JOSEException e) {
                throw new IllegalArgumentException("An internal key is not usable: " + e.getMessage(), e);
            }
            return new Ring(Map.copyOf(signing), Map.copyOf(accepted));
        }
    }

    public InternalTokens(String service, InternalKeys keys, Duration ttl, Clock clock) {
        this.service = service;
        this.ttl = ttl;
        this.clock = clock;
        this.ring = Ring.of(service, keys);
    }

    /**
     * The tokens of {@code settings.service()}; when its keys come from a file, the file is read
     * again whenever it changes (a bad one is logged and the keys in use kept).
     */
    public static InternalTokens start(Vertx vertx, InternalAuthSettings settings, Clock clock) {
        String[] text = {settings.fileText().orElse(null)};
        InternalTokens tokens = new InternalTokens(settings.service(), settings.keys(text[0]), settings.ttl(), clock);
        if (settings.file() != null) {
            vertx.setPeriodic(
                    settings.reloadEvery().toMillis(),
                    timer -> vertx.executeBlocking(
                                    () -> {
                                        String now = settings.fileText().orElse(null);
                                        if (Objects.equals(now, text[0])) {
                                            return null;
                                        }
                                        InternalKeys keys = settings.keys(now);
                                        text[0] = now;
                                        return keys;
                                    },
                                    false)
                            .onSuccess(keys -> {
                                if (keys != null) {
                                    tokens.use(keys);
                                    log.info(
                                            "Internal keys read again: {}",
                                            keys.all().stream()
                                                    .map(Object::toString)
                                                    .toList());
                                }
                            })
                            .onFailure(failure -> log.warn(
                                    "Internal keys not changed: SHOP_INTERNAL_AUTH_KEYS_FILE is not usable ({})",
                                    failure.getMessage())));
        }
        return tokens;
    }

    /** From now on, signs and checks with {@code keys}: tokens made or checked with earlier keys are not reused. */
    public void use(InternalKeys keys) {
        this.ring = Ring.of(service, keys);
        issued.clear();
        checked.clear();
    }

    /** The kids this service accepts now. */
    public List<String> acceptedKids() {
        return ring.accepted().keySet().stream().sorted().toList();
    }

    /** A token for a call from this service to {@code audience}, for an end user or none. */
    public String issue(String audience, @Nullable Caller caller) {
        Instant now = clock.instant();
        Ring keys = ring;
        String key = audience + '\n' + (caller == null ? "" : caller.role() + "\n" + caller.customer());
        Issued earlier = issued.get(key);
        if (earlier != null && earlier.ring() == keys && now.isBefore(earlier.renewAfter())) {
            return earlier.token();
        }
        String token = sign(keys, audience, caller, now);
        if (issued.size() >= CACHED) {
            issued.clear();
        }
        issued.put(key, new Issued(token, now.plus(ttl.dividedBy(2)), keys));
        return token;
    }

    private String sign(Ring keys, String audience, @Nullable Caller caller, Instant now) {
        Signing signing = keys.signing().get(audience);
        if (signing == null) {
            throw new IllegalStateException(service + " has no internal key for calls to " + audience);
        }
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(service)
                .audience(audience)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)));
        if (caller != null) {
            claims.subject(caller.customer()).claim("role", caller.role().name());
        }
        SignedJWT token = new SignedJWT(signing.header(), claims.build());
        try {
            token.sign(signing.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign an internal token", e);
        }
        return token.serialize();
    }

    private boolean withinTtl(JWTClaimsSet claims, Instant now) {
        if (claims.getIssueTime() == null) {
            return false;
        }
        Instant issued = claims.getIssueTime().toInstant();
        Instant expires = claims.getExpirationTime().toInstant();
        // The claims are whole seconds: a token's life may come out a second longer than it was made.
        return !issued.isAfter(now.plus(CLOCK_SKEW))
                && !expires.isAfter(issued.plus(ttl).plus(WHOLE_SECONDS))
                && !expires.isAfter(now.plus(ttl).plus(CLOCK_SKEW));
    }

    /**
     * The call a token proves: signed with a key this service takes (its {@code kid}), by the
     * service that key belongs to, unexpired, meant for this service, and no longer-lived than
     * this service's TTL: issued ({@code iat}) no later than now, with no more than the TTL
     * between {@code iat} and {@code exp}, and expiring no later than now plus the TTL (each
     * give or take the clock skew). A token with a life of years, were its key ever copied,
     * would speak for its caller long after the key had been rotated out of mind. Null for any
     * other.
     */
    public @Nullable InternalCall verify(String token) {
        Instant now = clock.instant();
        Ring keys = ring;
        Checked earlier = checked.get(token);
        if (earlier != null && earlier.ring() == keys) {
            return now.isBefore(earlier.expires()) ? earlier.call() : null;
        }
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            String kid = jwt.getHeader().getKeyID();
            Accepted key = kid == null ? null : keys.accepted().get(kid);
            if (key == null
                    || !JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())
                    || !jwt.verify(key.verifier())) {
                return null;
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (claims.getExpirationTime() == null
                    || !key.from().equals(claims.getIssuer())
                    || claims.getExpirationTime().toInstant().plus(CLOCK_SKEW).isBefore(now)
                    || !withinTtl(claims, now)
                    || !claims.getAudience().contains(service)) {
                return null;
            }
            String role = claims.getStringClaim("role");
            Caller caller = claims.getSubject() == null || role == null
                    ? null
                    : new Caller(claims.getSubject(), Role.valueOf(role));
            InternalCall call = new InternalCall(key.from(), caller);
            if (checked.size() >= CACHED) {
                checked.clear();
            }
            // Only a token that passed every check is remembered: garbage cannot fill the cache.
            checked.put(
                    token,
                    new Checked(call, claims.getExpirationTime().toInstant().plus(CLOCK_SKEW), keys));
            return call;
        } catch (ParseException | JOSEException | IllegalArgumentException e) {
            return null;
        }
    }
}
