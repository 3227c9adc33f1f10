package shop.orders.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import shop.defaults.Problem;
import shop.defaults.ProblemException;

class PlaceOrderRequestTest {

    // Defect: tok_4111111111111111 was taken as a token and kept as it came, card number and all.

    @Test
    void refusesATokenThatHoldsACardNumberWithoutRepeatingIt() {
        for (String method :
                new String[] {"tok_4111111111111111", "tok_x4111111111111111y", "tok_4111_1111_1111_1111"}) {
            assertThatThrownBy(() -> order(method))
                    .as(method)
                    .isInstanceOfSatisfying(ProblemException.class, refused -> {
                        Problem problem = refused.problem();
                        assertThat(problem.status()).isEqualTo(400);
                        assertThat(problem.errors())
                                .containsExactly(
                                        new Problem.FieldError("paymentMethod", PlaceOrderRequest.CARD_IN_TOKEN));
                        assertThat(problem.detail())
                                .contains("holds a card number", "its digits only")
                                .doesNotContain("4111");
                    });
        }
    }

    @Test
    void takesACardNumberOrATokenWithoutOne() {
        assertThat(order("4111111111111111").paymentMethod()).isEqualTo("4111111111111111");
        assertThat(order("tok_sim_card_declined").paymentMethod()).isEqualTo("tok_sim_card_declined");
        assertThat(order("tok_1NXWPn2eZvKYlo2C").paymentMethod()).isEqualTo("tok_1NXWPn2eZvKYlo2C");
    }

    private static PlaceOrderRequest order(String paymentMethod) {
        return new PlaceOrderRequest("cap", null, null, null, null, paymentMethod);
    }
}
