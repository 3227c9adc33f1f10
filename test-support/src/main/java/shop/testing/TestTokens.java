package shop.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import shop.defaults.Caller;
import shop.defaults.InternalKeys;
import shop.defaults.InternalTokens;
import shop.defaults.Role;
import shop.defaults.Settings;
import shop.defaults.Topology;

/**
 * Internal tokens for tests that call a service directly, as another Shop service would: one key
 * per pair of services of the {@link Topology} (test keys, derived from the pair's names), as in production.
 */
public final class TestTokens {

    private TestTokens() {}

    /** The tests' key of a pair, base64. */
    public static String secret(String from, String to) {
        try {
            byte[] key = MessageDigest.getInstance("SHA-256")
                    .digest(("shop test internal key " + from + " " + to).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(key);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The tests' kid of a pair. */
    public static String kid(String from, String to) {
        return "test-" + from + "-to-" + to;
    }

    /** The keys of the pairs {@code service} is part of, as {@code SHOP_INTERNAL_AUTH_KEYS} takes them. */
    public static String keysOf(String service) {
        return Topology.SHOP.pairs().stream()
                .filter(pair -> pair.includes(service))
                .map(pair -> line(pair.from(), pair.to()))
                .collect(Collectors.joining("\n"));
    }

    private static String line(String from, String to) {
        return from + " " + to + " " + kid(from, to) + " " + secret(from, to);
    }

    /** Gives the service under test the tests' keys of its pairs. */
    public static Settings register(Settings settings, String service) {
        return settings.with("SHOP_INTERNAL_AUTH_KEYS", keysOf(service));
    }

    /** {@code Bearer} and a token from {@code from} to {@code to}, for an end user or none. */
    public static String bearer(String from, String to, @Nullable Caller caller) {
        return "Bearer " + tokens(from).issue(to, caller);
    }

    /** As the gateway calls for a customer. */
    public static String customer(String to, String customer) {
        return bearer("api-gateway", to, new Caller(customer, Role.CUSTOMER));
    }

    /** As the gateway calls for an admin. */
    public static String admin(String to) {
        return bearer("api-gateway", to, new Caller("admin", Role.ADMIN));
    }

    /** The tokens of {@code service}, with the tests' keys of every pair it is part of. */
    public static InternalTokens tokens(String service) {
        return new InternalTokens(
                service, InternalKeys.parse(keysOf(service), "test keys"), Duration.ofSeconds(60), Clock.systemUTC());
    }

    /**
     * {@code Bearer} and a token signed as {@code kid} with {@code secret} (base64), claiming to come
     * from {@code issuer}: for forgeries.
     */
    public static String forged(String kid, String secret, String issuer, String audience, @Nullable Caller caller) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plusSeconds(60)));
        if (caller != null) {
            claims.subject(caller.customer()).claim("role", caller.role().name());
        }
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(), claims.build());
        try {
            jwt.sign(new MACSigner(Base64.getDecoder().decode(secret)));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return "Bearer " + jwt.serialize();
    }
}
