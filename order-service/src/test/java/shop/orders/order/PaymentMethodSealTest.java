package shop.orders.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import shop.defaults.Settings;

class PaymentMethodSealTest {

    private static final String CARD = "5555555555554444";
    private final PaymentMethodSeal seal = new PaymentMethodSeal(randomKey());

    @Test
    void opensWhatItSealedForTheSameOrder() {
        UUID order = UUID.randomUUID();
        assertThat(seal.open(order, seal.seal(order, CARD))).isEqualTo(CARD);
    }

    @Test
    void neverHoldsTheClearMethodAndNeverSealsTheSameWayTwice() {
        UUID order = UUID.randomUUID();
        String once = seal.seal(order, CARD);
        assertThat(once).doesNotContain(CARD).doesNotContain("4444").hasSizeLessThanOrEqualTo(255);
        assertThat(seal.seal(order, CARD)).isNotEqualTo(once);
    }

    @Test
    void refusesToOpenAMethodMovedToAnotherOrderOrSealedWithAnotherKey() {
        String sealed = seal.seal(UUID.randomUUID(), CARD);
        assertThatThrownBy(() -> seal.open(UUID.randomUUID(), sealed)).isInstanceOf(IllegalArgumentException.class);
        UUID order = UUID.randomUUID();
        String other = new PaymentMethodSeal(randomKey()).seal(order, CARD);
        assertThatThrownBy(() -> seal.open(order, other)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> seal.open(order, "v1.bm90IHNlYWxlZA==")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void usesThePublishedKeyInTheLocalProfileOnlyAndNoneElsewhereUnlessConfigured() {
        assertThat(PaymentMethodSeal.from(Settings.of(Map.of("SHOP_PROFILE", "local"))))
                .isPresent();
        assertThat(PaymentMethodSeal.from(Settings.of(Map.of()))).isEmpty();
        assertThatThrownBy(() -> PaymentMethodSeal.from(
                        Settings.of(Map.of("SHOP_PAYMENT_METHOD_KEY", PaymentMethodSeal.LOCAL_KEY))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SHOP_PAYMENT_METHOD_KEY");
        assertThatThrownBy(() -> PaymentMethodSeal.from(Settings.of(Map.of("SHOP_PAYMENT_METHOD_KEY", "c2hvcnQ="))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes");
        String key = Base64.getEncoder().encodeToString(randomKey());
        assertThat(PaymentMethodSeal.from(Settings.of(Map.of("SHOP_PAYMENT_METHOD_KEY", key))))
                .isPresent();
    }

    static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
