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
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
                return null;
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Instant now = clock.instant();
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
            return new InternalCall(claims.getIssuer(), caller);
        } catch (ParseException | JOSEException | IllegalArgumentException e) {
            return null;
        }
    }
}
