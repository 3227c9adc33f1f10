package shop.orders.order;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What a shop operator counts, with labels of a few known values only (never an order id or a
 * customer): {@code shop_orders_placed_total{outcome}}, {@code shop_orders_amount} by currency,
 * {@code shop_orders_refunded_total}, {@code shop_orders_payment_retries_total{outcome}}.
 */
final class OrderMetrics {

    private final MeterRegistry registry;
    private final Counter refunded;

    OrderMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.refunded = Counter.builder("shop.orders.refunded")
                .description("Refunds made, of whole orders or of some of their units")
                .register(registry);
    }

    /** A placement answered: {@code paid}, {@code payment_failed} or {@code pending}. */
    void placed(Order order) {
        Counter.builder("shop.orders.placed")
                .description("Orders placed, by the outcome the client was told")
                .tag("outcome", outcomeOf(order))
                .register(registry)
                .increment();
        DistributionSummary.builder("shop.orders.amount")
                .description("Amounts of the orders placed, in units of their currency")
                .tag("currency", order.amount().currency())
                .register(registry)
                // Micrometer takes doubles: a reading for dashboards, never an amount that is charged.
                .record(order.amount().amount().doubleValue());
    }

    /** A retry by the recovery job, by what it established. */
    void retried(Order order) {
        Counter.builder("shop.orders.payment.retries")
                .description("Payment retries of pending orders")
                .tag("outcome", outcomeOf(order))
                .register(registry)
                .increment();
    }

    void refunded() {
        refunded.increment();
    }

    private static String outcomeOf(Order order) {
        return switch (order.status()) {
            case PAID -> "paid";
            case PAYMENT_FAILED -> "payment_failed";
            case PENDING -> "pending";
            case PARTIALLY_REFUNDED, REFUNDED -> "refunded";
        };
    }
}
