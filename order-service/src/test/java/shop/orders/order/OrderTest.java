package shop.orders.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import shop.defaults.Money;
import shop.orders.catalog.Product;

class OrderTest {

    private final Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final Product tShirt = new Product("t-shirt", "T-shirt", new Money(10000, "USD"));

    @Test
    void startsPendingAndPricedFromTheCatalog() {
        Order order = Order.place("Gregor", List.of(OrderLine.of(tShirt, 3)), false, now, null);
        assertThat(order.status()).isEqualTo(OrderStatus.PENDING);
        assertThat(order.amount()).isEqualTo(new Money(30000, "USD"));
        assertThat(order.payment()).isEqualTo(Payment.NONE);
    }

    @Test
    void movesFromPendingToPaidToPartiallyRefundedToRefunded() {
        Product mug = new Product("mug", "Mug", new Money(1250, "USD"));
        Order paid = Order.place("Gregor", List.of(OrderLine.of(tShirt, 1), OrderLine.of(mug, 3)), false, now, null)
                .markPaid(charge(), now);
        assertThat(paid.status()).isEqualTo(OrderStatus.PAID);
        assertThat(paid.payment().cardLast4()).isEqualTo("4242");
        assertThat(paid.unitsLeft()).containsExactly(Map.entry("t-shirt", 1), Map.entry("mug", 3));

        UUID first = UUID.randomUUID();
        Order part = paid.withRefund(List.of(OrderLine.of(mug, 2)), first, now);
        assertThat(part.status()).isEqualTo(OrderStatus.PARTIALLY_REFUNDED);
        assertThat(part.payment().refundId()).isEqualTo(first);
        assertThat(part.unitsLeft()).containsExactly(Map.entry("t-shirt", 1), Map.entry("mug", 1));
        assertThat(part.refundedAmount()).isEqualTo(new Money(2500, "USD"));

        UUID last = UUID.randomUUID();
        Order refunded = part.withRefund(List.of(OrderLine.of(tShirt, 1), OrderLine.of(mug, 1)), last, now);
        assertThat(refunded.status()).isEqualTo(OrderStatus.REFUNDED);
        assertThat(refunded.payment().refundId()).isEqualTo(last);
        assertThat(refunded.payment().chargeId()).isEqualTo(paid.payment().chargeId());
        assertThat(refunded.refundedAmount()).isEqualTo(refunded.amount());
        assertThatThrownBy(() -> refunded.withRefund(List.of(OrderLine.of(mug, 1)), UUID.randomUUID(), now))
                .isInstanceOf(OrderProblem.OrderNotRefundable.class);
    }

    @Test
    void recordsAFailedPaymentWithItsReason() {
        Order failed = Order.place("Gregor", List.of(OrderLine.of(tShirt, 1)), false, now, null)
                .markFailed(refusal(), now);
        assertThat(failed.status()).isEqualTo(OrderStatus.PAYMENT_FAILED);
        assertThat(failed.payment().declineReason()).isEqualTo("card_declined");
    }

    @Test
    void refusesToPayAnOrderTwice() {
        Order paid = Order.place("Gregor", List.of(OrderLine.of(tShirt, 1)), false, now, null)
                .markPaid(charge(), now);
        assertThatThrownBy(() -> paid.markPaid(charge(), now)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> paid.markFailed(refusal(), now)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesToRefundAnOrderThatIsNotPaid() {
        Order pending = Order.place("Gregor", List.of(OrderLine.of(tShirt, 1)), false, now, null);
        List<OrderLine> one = List.of(OrderLine.of(tShirt, 1));
        assertThatThrownBy(() -> pending.withRefund(one, UUID.randomUUID(), now))
                .isInstanceOf(OrderProblem.OrderNotRefundable.class);
        Order failed = pending.markFailed(refusal(), now);
        assertThatThrownBy(() -> failed.withRefund(one, UUID.randomUUID(), now))
                .isInstanceOf(OrderProblem.OrderNotRefundable.class);
    }

    @Test
    void chargesTheTotalOfItsLinesEachAtItsUnitPrice() {
        Product mug = new Product("mug", "Mug", new Money(1250, "USD"));
        Order order = Order.place("Gregor", List.of(OrderLine.of(tShirt, 2), OrderLine.of(mug, 3)), false, now, null);
        assertThat(order.amount()).isEqualTo(new Money(23750, "USD"));
        assertThat(order.lines())
                .containsExactly(
                        new OrderLine("t-shirt", 2, new Money(10000, "USD")),
                        new OrderLine("mug", 3, new Money(1250, "USD")));
        assertThat(order.lines().get(1).amount()).isEqualTo(new Money(3750, "USD"));
    }

    @Test
    void refusesATotalThatOverflows() {
        Product priceless = new Product("gem", "Gem", new Money(Long.MAX_VALUE / 2, "USD"));
        assertThatThrownBy(() -> Order.place("Gregor", List.of(OrderLine.of(priceless, 3)), false, now, null))
                .isInstanceOf(ArithmeticException.class);
        Product half = new Product("half", "Half", new Money(Long.MAX_VALUE / 2 + 1, "USD"));
        assertThatThrownBy(() -> Order.place(
                        "Gregor", List.of(OrderLine.of(half, 1), OrderLine.of(priceless, 2)), false, now, null))
                .as("each line fits, their total does not")
                .isInstanceOf(ArithmeticException.class);
    }

    private static Payment charge() {
        return Payment.charged(UUID.randomUUID(), "visa", "4242");
    }

    private static Payment refusal() {
        return Payment.refused("card_declined", UUID.randomUUID(), "visa", "0002");
    }
}
