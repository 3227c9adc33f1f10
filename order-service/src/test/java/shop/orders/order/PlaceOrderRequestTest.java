package shop.orders.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
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

    @Test
    void takesLinesOrTheDemosItemAsOneLine() {
        var demo = new PlaceOrderRequest("cap", null, null, null, null, null, null);
        assertThat(demo.linesAsked()).containsExactly(new PlaceOrderRequest.Line("cap", 1, null));
        var lines = List.of(
                new PlaceOrderRequest.Line("cap", 2, new BigDecimal("20")), new PlaceOrderRequest.Line("mug", 1, null));
        assertThat(new PlaceOrderRequest(null, lines, null, null, null, null, null).linesAsked())
                .isEqualTo(lines);
    }

    @Test
    void namesEveryWrongLineAndTheDemosFieldsBesideLines() {
        List<PlaceOrderRequest.Line> lines = new ArrayList<>();
        lines.add(new PlaceOrderRequest.Line("cap", 1, null));
        lines.add(new PlaceOrderRequest.Line(" ", 0, new BigDecimal("-1")));
        lines.add(null);
        lines.add(new PlaceOrderRequest.Line("cap", null, new BigDecimal("0.001")));
        assertThat(refusal(() -> new PlaceOrderRequest("mug", lines, BigDecimal.ONE, null, 2, null, null)))
                .containsExactly(
                        new Problem.FieldError("item", "must be left out with lines (each line has its own)"),
                        new Problem.FieldError("price", "must be left out with lines (each line has its own)"),
                        new Problem.FieldError("quantity", "must be left out with lines (each line has its own)"),
                        new Problem.FieldError("lines.1.item", "must not be blank"),
                        new Problem.FieldError("lines.1.quantity", "must be greater than or equal to 1"),
                        new Problem.FieldError("lines.1.price", "must be greater than 0"),
                        new Problem.FieldError("lines.2", "must be a line (item, quantity, price)"),
                        new Problem.FieldError("lines.3.quantity", "is required"),
                        new Problem.FieldError(
                                "lines.3.price", "numeric value out of bounds (<12 digits>.<2 digits> expected)"),
                        new Problem.FieldError("lines.3.item", "is on an earlier line: an item at most once an order"));
    }

    @Test
    void takesOneToFiftyLines() {
        List<PlaceOrderRequest.Line> fifty = IntStream.range(0, 50)
                .mapToObj(i -> new PlaceOrderRequest.Line("item-" + i, 1, null))
                .toList();
        assertThat(new PlaceOrderRequest(null, fifty, null, null, null, null, null).linesAsked())
                .hasSize(50);
        List<PlaceOrderRequest.Line> more = new ArrayList<>(fifty);
        more.add(new PlaceOrderRequest.Line("one-more", 1, null));
        for (List<PlaceOrderRequest.Line> wrong : List.of(List.<PlaceOrderRequest.Line>of(), more)) {
            assertThat(refusal(() -> new PlaceOrderRequest(null, wrong, null, null, null, null, null)))
                    .containsExactly(new Problem.FieldError("lines", "size must be between 1 and 50"));
        }
        assertThat(refusal(() -> new PlaceOrderRequest(null, null, null, null, null, null, null)))
                .containsExactly(new Problem.FieldError("item", "must not be blank"));
    }

    private static List<Problem.FieldError> refusal(Runnable request) {
        try {
            request.run();
        } catch (ProblemException refused) {
            assertThat(refused.problem().status()).isEqualTo(400);
            return refused.problem().errors();
        }
        throw new AssertionError("not refused");
    }

    private static PlaceOrderRequest order(String paymentMethod) {
        return new PlaceOrderRequest("cap", null, null, null, null, null, paymentMethod);
    }
}
