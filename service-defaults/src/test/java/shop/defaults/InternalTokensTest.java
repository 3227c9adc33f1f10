package shop.defaults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class InternalTokensTest {

    private static final String GATEWAY = "api-gateway";
    private static final String ORDERS = "order-service";
    private static final String PAYMENTS = "payment-service";
    private static final InternalKeys.Key GATEWAY_TO_ORDERS = key(GATEWAY, ORDERS, "gw-os-1");
    private static final InternalKeys.Key GATEWAY_TO_PAYMENTS = key(GATEWAY, PAYMENTS, "gw-ps-1");
    private static final InternalKeys.Key ORDERS_TO_PAYMENTS = key(ORDERS, PAYMENTS, "os-ps-1");

    private final Clock now = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final InternalTokens gateway = tokens(GATEWAY, now, GATEWAY_TO_ORDERS, GATEWAY_TO_PAYMENTS);
    private final InternalTokens orderService = tokens(ORDERS, now, GATEWAY_TO_ORDERS, ORDERS_TO_PAYMENTS);
    private final InternalTokens paymentService = tokens(PAYMENTS, now, GATEWAY_TO_PAYMENTS, ORDERS_TO_PAYMENTS);

    @Test
    void provesWhichServiceCallsForWhichUser() {
        String token = gateway.issue(ORDERS, new Caller("Gregor", Role.CUSTOMER));
        assertThat(orderService.verify(token))
                .isEqualTo(new InternalCall(GATEWAY, new Caller("Gregor", Role.CUSTOMER)));
        assertThat(orderService.verify(gateway.issue(ORDERS, null))).isEqualTo(new InternalCall(GATEWAY, null));
        assertThat(paymentService.verify(orderService.issue(PAYMENTS, null))).isEqualTo(new InternalCall(ORDERS, null));
        assertThat(paymentService.verify(gateway.issue(PAYMENTS, null))).isEqualTo(new InternalCall(GATEWAY, null));
    }

    @Test
    void theGatewaysKeysCannotSpeakForOrderService() throws Exception {
        // Whatever it writes in the token, a token signed with a gateway key proves a call from the gateway, or
        // nothing.
        for (InternalKeys.Key gatewayKey : List.of(GATEWAY_TO_ORDERS, GATEWAY_TO_PAYMENTS)) {
            for (String kid : List.of(gatewayKey.kid(), ORDERS_TO_PAYMENTS.kid())) {
                String forged = signed(kid, gatewayKey.secret(), ORDERS, PAYMENTS);
                assertThat(paymentService.verify(forged)).as(kid).isNull();
            }
        }
        String honest = signed(GATEWAY_TO_PAYMENTS.kid(), GATEWAY_TO_PAYMENTS.secret(), GATEWAY, PAYMENTS);
        assertThat(paymentService.verify(honest)).isEqualTo(new InternalCall(GATEWAY, null));
        assertThatThrownBy(() -> gateway.issue("order-service-admin", null)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void usesATokenAgainForHalfItsLifeAndTakesAKnownOneUntilItExpires() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        InternalTokens issuer = tokens(GATEWAY, clock, GATEWAY_TO_ORDERS, GATEWAY_TO_PAYMENTS);
        InternalTokens checker = tokens(ORDERS, clock, GATEWAY_TO_ORDERS);
        Caller gregor = new Caller("Gregor", Role.CUSTOMER);
        String first = issuer.issue(ORDERS, gregor);
        assertThat(issuer.issue(ORDERS, gregor)).isEqualTo(first);
        assertThat(issuer.issue(ORDERS, new Caller("Alice", Role.CUSTOMER))).isNotEqualTo(first);
        assertThat(issuer.issue(PAYMENTS, gregor)).isNotEqualTo(first);
        assertThat(checker.verify(first)).isEqualTo(new InternalCall(GATEWAY, gregor));
        clock.advance(Duration.ofSeconds(31));
        assertThat(issuer.issue(ORDERS, gregor))
                .as("renewed after half its life")
                .isNotEqualTo(first);
        assertThat(checker.verify(first)).as("still valid").isNotNull();
        clock.advance(Duration.ofSeconds(35));
        assertThat(checker.verify(first)).as("expired, though checked before").isNull();
    }

    @Test
    void signsWithAPairsFirstKeyTakesEveryOneListedAndForgetsAWithdrawnOneAtOnce() {
        InternalKeys.Key next = key(GATEWAY, ORDERS, "gw-os-2");
        InternalTokens checker = tokens(ORDERS, now, GATEWAY_TO_ORDERS);
        String old = gateway.issue(ORDERS, null);
        assertThat(checker.verify(old)).isNotNull();
        checker.use(InternalKeys.of(List.of(GATEWAY_TO_ORDERS, next)));
        assertThat(checker.acceptedKids()).containsExactly("gw-os-1", "gw-os-2");
        gateway.use(InternalKeys.of(List.of(next, GATEWAY_TO_ORDERS, GATEWAY_TO_PAYMENTS)));
        String renewed = gateway.issue(ORDERS, null);
        assertThat(renewed).as("new keys: a new token at once").isNotEqualTo(old);
        assertThat(checker.verify(renewed)).isNotNull();
        assertThat(checker.verify(old)).isNotNull();
        checker.use(InternalKeys.of(List.of(next)));
        assertThat(checker.verify(old))
                .as("checked before, but its key is withdrawn")
                .isNull();
        assertThat(checker.verify(renewed)).isNotNull();
    }

    @Test
    void refusesATokenMeantForAnotherService() {
        InternalTokens everything = tokens(ORDERS, now, GATEWAY_TO_ORDERS, GATEWAY_TO_PAYMENTS, ORDERS_TO_PAYMENTS);
        assertThat(orderService.verify(gateway.issue(PAYMENTS, null))).isNull();
        String forPayments = signed(GATEWAY_TO_ORDERS.kid(), GATEWAY_TO_ORDERS.secret(), GATEWAY, PAYMENTS);
        assertThat(everything.verify(forPayments))
                .as("the right key, another audience")
                .isNull();
    }

    @Test
    void refusesATokenSignedWithAnotherKey() {
        InternalTokens impostor = tokens(GATEWAY, now, key(GATEWAY, ORDERS, GATEWAY_TO_ORDERS.kid()));
        assertThat(orderService.verify(impostor.issue(ORDERS, new Caller("Gregor", Role.ADMIN))))
                .isNull();
    }

    @Test
    void refusesAnExpiredTokenAndGarbage() {
        String old = tokens(GATEWAY, Clock.offset(now, Duration.ofMinutes(-5)), GATEWAY_TO_ORDERS)
                .issue(ORDERS, null);
        assertThat(orderService.verify(old)).isNull();
        assertThat(orderService.verify("not.a.token")).isNull();
        String token = gateway.issue(ORDERS, new Caller("Gregor", Role.CUSTOMER));
        String tampered = token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BB" : "AA");
        assertThat(orderService.verify(tampered)).isNull();
    }

    // Defect: a token with an exp ten years ahead was taken: a copied key's tokens would outlive its rotation.

    @Test
    void refusesATokenThatLivesLongerThanTheTtl() {
        Instant at = now.instant();
        byte[] key = GATEWAY_TO_ORDERS.secret();
        String kid = GATEWAY_TO_ORDERS.kid();
        Map<String, String> refused = Map.of(
                "exp ten years ahead",
                signed(kid, key, GATEWAY, ORDERS, at, at.plus(Duration.ofDays(3650))),
                "issued ten years ago, valid for a minute more",
                signed(kid, key, GATEWAY, ORDERS, at.minus(Duration.ofDays(3650)), at.plusSeconds(60)),
                "a life of two TTLs",
                signed(kid, key, GATEWAY, ORDERS, at.minusSeconds(60), at.plusSeconds(60)),
                "issued an hour from now",
                signed(kid, key, GATEWAY, ORDERS, at.plusSeconds(3_600), at.plusSeconds(3_660)),
                "no iat",
                signed(kid, key, GATEWAY, ORDERS, null, at.plusSeconds(60)));
        refused.forEach(
                (what, token) -> assertThat(orderService.verify(token)).as(what).isNull());
        assertThat(orderService.verify(signed(kid, key, GATEWAY, ORDERS, at.minusSeconds(30), at.plusSeconds(30))))
                .as("a TTL's life, half of it gone")
                .isEqualTo(new InternalCall(GATEWAY, null));
        assertThat(orderService.verify(signed(kid, key, GATEWAY, ORDERS, at.plusSeconds(3), at.plusSeconds(63))))
                .as("issued by a clock a little ahead")
                .isEqualTo(new InternalCall(GATEWAY, null));
    }

    @Test
    void readsOneKeyALineAndRefusesBadOnesWithoutQuotingThem() {
        String secret = Base64.getEncoder().encodeToString(new byte[32]);
        InternalKeys keys = InternalKeys.parse(
                "# comment\n\napi-gateway order-service k1 " + secret + "\n  api-gateway payment-service k2 " + secret,
                "test");
        assertThat(keys.all()).extracting(InternalKeys.Key::kid).containsExactly("k1", "k2");
        assertThat(keys.signing(GATEWAY, ORDERS).orElseThrow().kid()).isEqualTo("k1");
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> InternalKeys.parse("api-gateway order-service k1 " + shortKey, "test"))
                .hasMessageContaining("32 bytes")
                .hasMessageNotContaining(shortKey);
        assertThatThrownBy(() -> InternalKeys.parse("api-gateway order-service k1", "test"))
                .hasMessageContaining("<from> <to> <kid> <base64 key>");
        assertThatThrownBy(() -> InternalKeys.parse(
                        "api-gateway order-service k1 " + secret + "\norder-service payment-service k1 " + secret,
                        "test"))
                .hasMessageContaining("used twice");
    }

    @Test
    void aServiceHoldsTheKeysOfItsOwnPairsOnly() {
        Settings gatewayHoldingOrderServicesKey = Settings.of(
                Map.of("SHOP_INTERNAL_AUTH_KEYS", lines(ORDERS_TO_PAYMENTS, GATEWAY_TO_ORDERS, GATEWAY_TO_PAYMENTS)));
        assertThatThrownBy(() ->
                        InternalAuthSettings.from(gatewayHoldingOrderServicesKey, GATEWAY, List.of(ORDERS, PAYMENTS)))
                .hasMessageContaining("order-service -> payment-service")
                .hasMessageContaining("not part of");
        Settings missing = Settings.of(Map.of("SHOP_INTERNAL_AUTH_KEYS", lines(GATEWAY_TO_ORDERS)));
        assertThatThrownBy(() -> InternalAuthSettings.from(missing, GATEWAY, List.of(ORDERS, PAYMENTS)))
                .hasMessageContaining("no key for api-gateway -> payment-service");
        assertThat(InternalAuthSettings.from(
                                Settings.of(Map.of(
                                        "SHOP_INTERNAL_AUTH_KEYS", lines(GATEWAY_TO_ORDERS, GATEWAY_TO_PAYMENTS))),
                                GATEWAY,
                                List.of(ORDERS, PAYMENTS))
                        .service())
                .isEqualTo(GATEWAY);
    }

    @Test
    void refusesThePublishedLocalKeysOutsideTheLocalProfile() {
        assertThatThrownBy(() -> InternalAuthSettings.from(Settings.of(Map.of()), ORDERS, List.of(PAYMENTS)))
                .hasMessageContaining("SHOP_INTERNAL_AUTH_KEYS or SHOP_INTERNAL_AUTH_KEYS_FILE must");
        InternalAuthSettings local =
                InternalAuthSettings.from(Settings.of(Map.of("SHOP_PROFILE", "local")), ORDERS, List.of(PAYMENTS));
        InternalKeys published = local.keys(null);
        assertThat(published.all())
                .extracting(InternalKeys.Key::kid)
                .containsExactly("local-api-gateway-to-order-service", "local-order-service-to-payment-service");
        String text = published.all().stream()
                .map(key -> key.from() + " " + key.to() + " renamed-" + key.kid() + " "
                        + Base64.getEncoder().encodeToString(key.secret()))
                .collect(java.util.stream.Collectors.joining("\n"));
        assertThatThrownBy(() -> InternalAuthSettings.from(
                        Settings.of(Map.of("SHOP_INTERNAL_AUTH_KEYS", text)), ORDERS, List.of(PAYMENTS)))
                .hasMessageContaining("published local key");
        assertThatThrownBy(() -> InternalAuthSettings.from(
                        Settings.of(Map.of("SHOP_INTERNAL_AUTH_KEY", "x".repeat(40))), ORDERS, List.of(PAYMENTS)))
                .hasMessageContaining("no longer read");
    }

    private static InternalKeys.Key key(String from, String to, String kid) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return new InternalKeys.Key(from, to, kid, secret);
    }

    private static String lines(InternalKeys.Key... keys) {
        StringBuilder text = new StringBuilder();
        for (InternalKeys.Key key : keys) {
            text.append(key.from())
                    .append(' ')
                    .append(key.to())
                    .append(' ')
                    .append(key.kid())
                    .append(' ')
                    .append(Base64.getEncoder().encodeToString(key.secret()))
                    .append('\n');
        }
        return text.toString();
    }

    private String signed(String kid, byte[] secret, String issuer, String audience) {
        return signed(
                kid, secret, issuer, audience, now.instant(), now.instant().plusSeconds(60));
    }

    private static String signed(
            String kid, byte[] secret, String issuer, String audience, @Nullable Instant issued, Instant expires) {
        try {
            JWTClaimsSet.Builder claims =
                    new JWTClaimsSet.Builder().issuer(issuer).audience(audience).expirationTime(Date.from(expires));
            if (issued != null) {
                claims.issueTime(Date.from(issued));
            }
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(), claims.build());
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InternalTokens tokens(String service, Clock clock, InternalKeys.Key... keys) {
        return new InternalTokens(service, InternalKeys.of(List.of(keys)), Duration.ofSeconds(60), clock);
    }

    /** A clock the test moves. */
    private static final class MutableClock extends Clock {

        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
