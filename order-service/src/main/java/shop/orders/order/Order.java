package shop.orders.order;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import shop.defaults.Money;

/**
 * An order of one or more lines, and what is known of its payment. Its {@code amount} is the
 * lines' total, charged at once. Its state changes only through {@link #markPaid},
 * {@link #markFailed} and {@link #markRefunded}, each of which refuses a transition the order's
 * status does not allow.
 *
 * @param defaultPaymentMethod whether it pays with the configured default (the local profile's
 *     test card) rather than a method of the customer's
 * @param traceParent the W3C {@code traceparent} of the request that placed it, so that later work
 *     on it joins the same trace
 * @param stockReserved whether storing it took its lines' units from stock (the version before
 *     stock stored orders without): only then does a failed payment or a refund put them back
 */
record Order(
        UUID id,
        String customer,
        List<OrderLine> lines,
        Money amount,
        OrderStatus status,
        boolean defaultPaymentMethod,
        Payment payment,
        Instant createdAt,
        Instant updatedAt,
        @Nullable String traceParent,
        boolean stockReserved) {

    /** @throws ArithmeticException if the total overflows */
    static Order place(
            String customer,
            List<OrderLine> lines,
            boolean defaultPaymentMethod,
            Instant now,
            @Nullable String traceParent) {
        Money total = lines.getFirst().amount();
        for (OrderLine line : lines.subList(1, lines.size())) {
            total = total.plus(line.amount());
        }
        return new Order(
                UUID.randomUUID(),
                customer,
                List.copyOf(lines),
                total,
                OrderStatus.PENDING,
                defaultPaymentMethod,
                Payment.NONE,
                now,
                now,
                traceParent,
                true);
    }

    Order markPaid(Payment charge, Instant now) {
        requireStatus(OrderStatus.PENDING);
        return with(OrderStatus.PAID, charge, now);
    }

    Order markFailed(Payment refusal, Instant now) {
        requireStatus(OrderStatus.PENDING);
        return with(OrderStatus.PAYMENT_FAILED, refusal, now);
    }

    Order markRefunded(UUID refundId, Instant now) {
        if (status != OrderStatus.PAID) {
            throw new OrderProblem.OrderNotRefundable(id, status);
        }
        return with(OrderStatus.REFUNDED, payment.refunded(refundId), now);
    }

    boolean isPending() {
        return status == OrderStatus.PENDING;
    }

    /**
     * The units that go back to stock when this order, read with status {@code before}, is
     * recorded as it is now: every line's if its payment failed or it was refunded, and it had
     * taken them.
     */
    List<OrderLine> unitsReturnedSince(OrderStatus before) {
        boolean released = (before == OrderStatus.PENDING && status == OrderStatus.PAYMENT_FAILED)
                || (before == OrderStatus.PAID && status == OrderStatus.REFUNDED);
        return released && stockReserved ? lines : List.of();
    }

    private Order with(OrderStatus next, Payment nextPayment, Instant now) {
        return new Order(
                id,
                customer,
                lines,
                amount,
                next,
                defaultPaymentMethod,
                nextPayment,
                createdAt,
                now,
                traceParent,
                stockReserved);
    }

    private void requireStatus(OrderStatus expected) {
        if (status != expected) {
            throw new IllegalStateException("Order %s is %s, not %s".formatted(id, status, expected));
        }
    }
}
