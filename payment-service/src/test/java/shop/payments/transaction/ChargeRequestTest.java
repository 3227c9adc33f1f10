package shop.payments.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.math.BigDecimal;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import shop.defaults.Money;
import shop.defaults.Problem;
import shop.defaults.ProblemException;
import shop.defaults.StrictJson;

class ChargeRequestTest {

    private final UUID order = UUID.randomUUID();

    @Test
    void takesAnAmountWithAPaymentMethodOrWithout() {
        assertThat(
                        read("{\"orderId\":\"%s\",\"amount\":100.00,\"currency\":\"USD\",\"paymentMethod\":\"4242424242424242\"}")
                                .money())
                .isEqualTo(new Money(10000, "USD"));
        assertThat(read("{\"orderId\":\"%s\",\"amount\":1.500,\"currency\":\"USD\",\"paymentMethod\":null}")
                        .paymentMethod())
                .isNull();
    }

    @Test
    void namesEveryInvalidFieldWithoutItsValue() {
        assertThat(problem("{\"orderId\":\"%s\",\"amount\":-1,\"currency\":\"usd\",\"paymentMethod\":\"12ab\"}")
                        .errors())
                .extracting(Problem.FieldError::field)
                .containsExactly("amount", "currency", "paymentMethod");
        assertThat(problem("{\"amount\":1}").errors())
                .extracting(Problem.FieldError::field)
                .containsExactly("orderId", "currency");
        assertThat(problem("{\"orderId\":\"%s\",\"amount\":1.001,\"currency\":\"USD\"}")
                        .errors())
                .containsExactly(new Problem.FieldError(
                        "amount", "numeric value out of bounds (<15 digits>.<2 digits> expected)"));
        assertThat(problem("{\"orderId\":\"%s\",\"amount\":1000000000000000,\"currency\":\"USD\"}")
                        .errors())
                .extracting(Problem.FieldError::field)
                .containsExactly("amount");
        assertThat(problem("{\"orderId\":\"%s\",\"amount\":1,\"currency\":\"XQQ\"}")
                        .detail())
                .isEqualTo("Invalid request: 'currency' must be an ISO 4217 code such as USD")
                .doesNotContain("XQQ");
    }

    @Test
    void refusesATokenThatHoldsACardNumber() {
        assertThat(problem(
                                "{\"orderId\":\"%s\",\"amount\":1,\"currency\":\"USD\",\"paymentMethod\":\"tok_4111111111111111\"}")
                        .errors())
                .containsExactly(new Problem.FieldError("paymentMethod", "is a token that holds a card number"));
        assertThat(read("{\"orderId\":\"%s\",\"amount\":1,\"currency\":\"USD\",\"paymentMethod\":\"tok_sim_approve\"}")
                        .paymentMethod())
                .isEqualTo("tok_sim_approve");
    }

    @Test
    void refusesAFractionOfTheCurrencysSmallestUnit() {
        ChargeRequest yen = new ChargeRequest(order, new BigDecimal("1.5"), "JPY", null);
        assertThatThrownBy(yen::money)
                .isInstanceOfSatisfying(
                        ProblemException.class,
                        e -> assertThat(e.problem().errors())
                                .extracting(Problem.FieldError::field)
                                .containsExactly("amount"));
    }

    private ChargeRequest read(String json) {
        return StrictJson.read(Buffer.buffer(json.formatted(order)), ChargeRequest.class);
    }

    private Problem problem(String json) {
        try {
            read(json);
        } catch (ProblemException e) {
            assertThat(e.problem().status()).isEqualTo(400);
            assertThat(e.problem().slug()).isEqualTo("invalid-request");
            return e.problem();
        }
        throw new AssertionError("accepted " + json);
    }
}
