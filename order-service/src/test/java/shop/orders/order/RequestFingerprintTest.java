package shop.orders.order;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestFingerprintTest {

    @Test
    void isTheSameForTheSameRequestWrittenDifferently() {
        var withDefaults = new PlaceOrderRequest("t-shirt", null, new BigDecimal("100"), null, null, null, null);
        var spelledOut = new PlaceOrderRequest("t-shirt", null, new BigDecimal("100.00"), null, 1, null, null);
        assertThat(RequestFingerprint.of(withDefaults, "Gregor"))
                .isEqualTo(RequestFingerprint.of(spelledOut, "Gregor"));
    }

    @Test
    void differsWhenWhatIsOrderedDiffers() {
        var one = new PlaceOrderRequest("t-shirt", null, null, null, 1, null, null);
        var two = new PlaceOrderRequest("t-shirt", null, null, null, 2, null, null);
        assertThat(RequestFingerprint.of(one, "Gregor")).isNotEqualTo(RequestFingerprint.of(two, "Gregor"));
        assertThat(RequestFingerprint.of(one, "Gregor")).isNotEqualTo(RequestFingerprint.of(one, "Alice"));
    }

    @Test
    void isForTheDemosBodyWhatItWasBeforeLinesSoAKeyMatchesAcrossTheUpgrade() throws Exception {
        var demo = new PlaceOrderRequest("t-shirt", null, new BigDecimal("100"), null, 2, null, "4242424242424242");
        String before = String.join("\u0000", "t-shirt", "2", "100", "", "Gregor", "4242");
        assertThat(RequestFingerprint.of(demo, "Gregor"))
                .isEqualTo(HexFormat.of()
                        .formatHex(
                                MessageDigest.getInstance("SHA-256").digest(before.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void coversEveryLine() {
        var cap = new PlaceOrderRequest.Line("cap", 1, null);
        var mugs = new PlaceOrderRequest.Line("mug", 2, null);
        var order = new PlaceOrderRequest(null, List.of(cap, mugs), null, null, null, null, null);
        var fewer = new PlaceOrderRequest(null, List.of(cap), null, null, null, null, null);
        var other = new PlaceOrderRequest(
                null, List.of(cap, new PlaceOrderRequest.Line("mug", 3, null)), null, null, null, null, null);
        var same = new PlaceOrderRequest(
                null, List.of(cap, new PlaceOrderRequest.Line("mug", 2, null)), null, null, null, null, null);
        assertThat(RequestFingerprint.of(order, "Gregor"))
                .isEqualTo(RequestFingerprint.of(same, "Gregor"))
                .isNotEqualTo(RequestFingerprint.of(fewer, "Gregor"))
                .isNotEqualTo(RequestFingerprint.of(other, "Gregor"));
    }

    @Test
    void doesNotContainTheCardNumber() {
        var request = new PlaceOrderRequest("t-shirt", null, null, null, 1, null, "4242424242424242");
        assertThat(RequestFingerprint.of(request, "Gregor")).hasSize(64).doesNotContain("4242424242424242");
    }
}
