package shop.defaults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InternalTokensTest {

    private static final String KEY = "a-key-of-at-least-thirty-two-characters";
    private final Clock now = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final InternalTokens gateway = tokens("api-gateway", KEY, now);
    private final InternalTokens orderService = tokens("order-service", KEY, now);

    @Test
    void provesWhichServiceCallsForWhichUser() {
        String token = gateway.issue("order-service", new Caller("Gregor", Role.CUSTOMER));
        assertThat(orderService.verify(token))
                .isEqualTo(new InternalCall("api-gateway", new Caller("Gregor", Role.CUSTOMER)));
        assertThat(orderService.verify(gateway.issue("order-service", null)))
                .isEqualTo(new InternalCall("api-gateway", null));
    }

    @Test
    void usesATokenAgainForHalfItsLifeAndTakesAKnownOneUntilItExpires() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        InternalTokens issuer = tokens("api-gateway", KEY, clock);
        InternalTokens checker = tokens("order-service", KEY, clock);
        Caller gregor = new Caller("Gregor", Role.CUSTOMER);
        String first = issuer.issue("order-service", gregor);
        assertThat(issuer.issue("order-service", gregor)).isEqualTo(first);
        assertThat(issuer.issue("order-service", new Caller("Alice", Role.CUSTOMER)))
                .isNotEqualTo(first);
        assertThat(issuer.issue("payment-service", gregor)).isNotEqualTo(first);
        assertThat(checker.verify(first)).isEqualTo(new InternalCall("api-gateway", gregor));
        clock.advance(Duration.ofSeconds(31));
        assertThat(issuer.issue("order-service", gregor))
                .as("renewed after half its life")
                .isNotEqualTo(first);
        assertThat(checker.verify(first)).as("still valid").isNotNull();
        clock.advance(Duration.ofSeconds(35));
        assertThat(checker.verify(first)).as("expired, though checked before").isNull();
    }

    @Test
    void refusesATokenMeantForAnotherService() {
        assertThat(orderService.verify(gateway.issue("payment-service", null))).isNull();
    }

    @Test
    void refusesATokenSignedWithAnotherKey() {
        String forged = tokens("api-gateway", "another-key-of-at-least-thirty-two-chars", now)
                .issue("order-service", new Caller("Gregor", Role.ADMIN));
        assertThat(orderService.verify(forged)).isNull();
    }

    @Test
    void refusesAnExpiredTokenAndGarbage() {
        String old = tokens("api-gateway", KEY, Clock.offset(now, Duration.ofMinutes(-5)))
                .issue("order-service", null);
        assertThat(orderService.verify(old)).isNull();
        assertThat(orderService.verify("not.a.token")).isNull();
        String token = gateway.issue("order-service", new Caller("Gregor", Role.CUSTOMER));
        String tampered = token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BB" : "AA");
        assertThat(orderService.verify(tampered)).isNull();
    }

    @Test
    void refusesThePublishedLocalKeyOutsideTheLocalProfile() {
        Settings production = Settings.of(Map.of("SHOP_INTERNAL_AUTH_KEY", InternalAuthSettings.LOCAL_KEY));
        assertThatThrownBy(() -> InternalAuthSettings.from(production))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SHOP_INTERNAL_AUTH_KEY");
        assertThatThrownBy(() -> InternalAuthSettings.from(Settings.of(Map.of())))
                .hasMessageContaining("SHOP_INTERNAL_AUTH_KEY must be set");
        assertThat(InternalAuthSettings.from(Settings.of(Map.of("SHOP_PROFILE", "local")))
                        .key())
                .isEqualTo(InternalAuthSettings.LOCAL_KEY);
    }

    @Test
    void refusesAShortKey() {
        assertThatThrownBy(() -> InternalAuthSettings.from(Settings.of(Map.of("SHOP_INTERNAL_AUTH_KEY", "short"))))
                .hasMessageContaining("at least 32 characters");
    }

    private static InternalTokens tokens(String service, String key, Clock clock) {
        return new InternalTokens(service, new InternalAuthSettings(key, Duration.ofSeconds(60)), clock);
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
