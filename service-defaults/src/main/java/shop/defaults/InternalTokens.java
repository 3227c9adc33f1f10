package shop.defaults;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Short-lived tokens (JWT, HS256) by which one Shop service tells another who is calling: the
 * calling service ({@code iss}), the service called ({@code aud}) and the end user ({@code sub}
 * and {@code role}). Symmetric on purpose: a signature and its check cost microseconds, where an
 * asymmetric one per hop would cost hundreds.
 */
public class InternalTokens {

    private static final Duration CLOCK_SKEW = Duration.ofSeconds(5);

    private final String service;
    private final MACSigner signer;
    private final MACVerifier verifier;
    private final Duration ttl;
    private final Clock clock;
    /**
     * Tokens issued, by audience and caller, used again until half their life is gone; and tokens
     * checked, by their text, until they expire. Signing and parsing a JWT took a sixth of the
     * gateway's CPU per order; a token is a bearer credential for its audience and caller alike,
     * however often it is sent. Both are bounded: past {@link #CACHED} entries they start afresh.
     */
    private final Map<String, Issued> issued = new ConcurrentHashMap<>();

    private final Map<String, Checked> checked = new ConcurrentHashMap<>();

    private static final int CACHED = 10_000;

    private record Issued(String token, Instant renewAfter) {}

    private record Checked(InternalCall call, Instant expires) {}

    public InternalTokens(String service, InternalAuthSettings settings, Clock clock) {
        try {
            byte[] key = settings.key().getBytes(StandardCharsets.UTF_8);
            this.signer = new MACSigner(key);
            this.verifier = new MACVerifier(key);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("SHOP_INTERNAL_AUTH_KEY is not usable: " + e.getMessage(), e);
        }
        this.service = service;
        this.ttl = settings.ttl();
        this.clock = clock;
    }

    /** A token for a call from this service to {@code audience}, for an end user or none. */
    public String issue(String audience, @Nullable Caller caller) {
        Instant now = clock.instant();
        String key = audience + '\n' + (caller == null ? "" : caller.role() + "\n" + caller.customer());
        Issued earlier = issued.get(key);
        if (earlier != null && now.isBefore(earlier.renewAfter())) {
            return earlier.token();
        }
        String token = sign(audience, caller, now);
        if (issued.size() >= CACHED) {
            issued.clear();
        }
        issued.put(key, new Issued(token, now.plus(ttl.dividedBy(2))));
        return token;
    }

    private String sign(String audience, @Nullable Caller caller, Instant now) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(service)
                .audience(audience)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)));
        if (caller != null) {
            claims.subject(caller.customer()).claim("role", caller.role().name());
        }
        SignedJWT token = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            token.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign an internal token", e);
        }
        return token.serialize();
    }

    /** The call a token proves, if it is signed with the key, unexpired, and meant for this service. */
    public @Nullable InternalCall verify(String token) {
        Instant now = clock.instant();
        Checked earlier = checked.get(token);
        if (earlier != null) {
            return now.isBefore(earlier.expires()) ? earlier.call() : null;
        }
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
                return null;
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (claims.getExpirationTime() == null
                    || claims.getIssuer() == null
                    || claims.getExpirationTime().toInstant().plus(CLOCK_SKEW).isBefore(now)
                    || !claims.getAudience().contains(service)) {
                return null;
            }
            String role = claims.getStringClaim("role");
            Caller caller = claims.getSubject() == null || role == null
                    ? null
                    : new Caller(claims.getSubject(), Role.valueOf(role));
            InternalCall call = new InternalCall(claims.getIssuer(), caller);
            if (checked.size() >= CACHED) {
                checked.clear();
            }
            // Only a token that passed every check is remembered: garbage cannot fill the cache.
            checked.put(
                    token,
                    new Checked(call, claims.getExpirationTime().toInstant().plus(CLOCK_SKEW)));
            return call;
        } catch (ParseException | JOSEException | IllegalArgumentException e) {
            return null;
        }
    }
}
