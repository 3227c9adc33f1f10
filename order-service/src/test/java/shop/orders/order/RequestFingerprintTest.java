package shop.orders.order;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class RequestFingerprintTest {

    @Test
    void isTheSameForTheSameRequestWrittenDifferently() {
        var withDefaults = new PlaceOrderRequest("t-shirt", new BigDecimal("100"), null, null, null, null);
        var spelledOut = new PlaceOrderRequest("t-shirt", new BigDecimal("100.00"), null, 1, null, null);
        assertThat(RequestFingerprint.of(withDefaults, "Gregor"))
                .isEqualTo(RequestFingerprint.of(spelledOut, "Gregor"));
    }

    @Test
    void differsWhenWhatIsOrderedDiffers() {
        var one = new PlaceOrderRequest("t-shirt", null, null, 1, null, null);
        var two = new PlaceOrderRequest("t-shirt", null, null, 2, null, null);
        assertThat(RequestFingerprint.of(one, "Gregor")).isNotEqualTo(RequestFingerprint.of(two, "Gregor"));
        assertThat(RequestFingerprint.of(one, "Gregor")).isNotEqualTo(RequestFingerprint.of(one, "Alice"));
    }

    @Test
    void doesNotContainTheCardNumber() {
        var request = new PlaceOrderRequest("t-shirt", null, null, 1, null, "4242424242424242");
        assertThat(RequestFingerprint.of(request, "Gregor")).hasSize(64).doesNotContain("4242424242424242");
    }
}
