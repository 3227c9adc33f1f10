package shop.orders.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import shop.defaults.Money;
import shop.orders.catalog.Product;
import shop.orders.payment.PaymentClient.PaymentTransaction;

class OrderTest {

    private final Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final Product tShirt = new Product("t-shirt", "T-shirt", new Money(10000, "USD"));

    @Test
    void startsPendingAndPricedFromTheCatalog() {
        Order order = Order.place("Gregor", tShirt, 3, false, now, null);
        assertThat(order.status()).isEqualTo(OrderStatus.PENDING);
        assertThat(order.amount()).isEqualTo(new Money(30000, "USD"));
    }

    @Test
    void movesFromPendingToPaidToRefunded() {
        Order paid = Order.place("Gregor", tShirt, 1, false, now, null).paid(transaction(true), now);
        assertThat(paid.status()).isEqualTo(OrderStatus.PAID);
        assertThat(paid.cardLast4()).isEqualTo("4242");
        assertThat(paid.refunded(transaction(true), now).status()).isEqualTo(OrderStatus.REFUNDED);
    }

    @Test
    void refusesToPayAnOrderTwice() {
        Order paid = Order.place("Gregor", tShirt, 1, false, now, null).paid(transaction(true), now);
        assertThatThrownBy(() -> paid.paid(transaction(true), now)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> paid.paymentFailed("card_declined", null, now))
            .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesToRefundAnOrderThatIsNotPaid() {
        Order pending = Order.place("Gregor", tShirt, 1, false, now, null);
        assertThatThrownBy(() -> pending.refunded(transaction(true), now)).isInstanceOf(OrderNotRefundable.class);
        Order failed = pending.paymentFailed("card_declined", transaction(false), now);
        assertThatThrownBy(() -> failed.refunded(transaction(true), now)).isInstanceOf(OrderNotRefundable.class);
    }

    @Test
    void refusesATotalThatOverflows() {
        Product priceless = new Product("gem", "Gem", new Money(Long.MAX_VALUE / 2, "USD"));
        assertThatThrownBy(() -> Order.place("Gregor", priceless, 3, false, now, null))
            .isInstanceOf(ArithmeticException.class);
    }

    private PaymentTransaction transaction(boolean success) {
        return new PaymentTransaction(UUID.randomUUID(), UUID.randomUUID(), "CHARGE", success, BigDecimal.TEN, "USD",
                success ? null : "card_declined", "visa", "4242", now);
    }
}
