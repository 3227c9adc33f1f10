package shop.orders.order;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import shop.defaults.Money;

/**
 * An order of one or more lines, and what is known of its payment. Its {@code amount} is the
 * lines' total, charged at once. Its state changes only through {@link #markPaid},
 * {@link #markFailed} and {@link #withRefund}, each of which refuses a transition the order's
 * status does not allow.
 *
 * @param defaultPaymentMethod whether it pays with the configured default (the local profile's
 *     test card) rather than a method of the customer's
 * @param traceParent the W3C {@code traceparent} of the request that placed it, so that later work
 *     on it joins the same trace
 * @param stockReserved whether storing it took its lines' units from stock (the version before
 *     stock stored orders without): only then does a failed payment or a refund put them back
 * @param refunded the units of each line refunded so far, at the line's unit price (none: empty)
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
        boolean stockReserved,
        List<OrderLine> refunded) {

    /** @throws ArithmeticException if the total overflows */
    static Order place(
            String customer,
            List<OrderLine> lines,
            boolean defaultPaymentMethod,
            Instant now,
            @Nullable String traceParent) {
        Money total = OrderLine.total(lines, lines.getFirst().unitPrice().currency());
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
                true,
                List.of());
    }

    Order markPaid(Payment charge, Instant now) {
        requireStatus(OrderStatus.PENDING);
        return with(OrderStatus.PAID, charge, now);
    }

    Order markFailed(Payment refusal, Instant now) {
        requireStatus(OrderStatus.PENDING);
        return with(OrderStatus.PAYMENT_FAILED, refusal, now);
    }

    /**
     * The order with a refund of {@code lines} recorded: {@code REFUNDED} once every unit is,
     * {@code PARTIALLY_REFUNDED} until then.
     */
    Order withRefund(List<OrderLine> lines, UUID refundTransaction, Instant now) {
        if (status != OrderStatus.PAID && status != OrderStatus.PARTIALLY_REFUNDED) {
            throw new OrderProblem.OrderNotRefundable(id, status);
        }
        Map<String, Integer> units = new LinkedHashMap<>();
        for (OrderLine line : refunded) {
            units.merge(line.item(), line.quantity(), Integer::sum);
        }
        for (OrderLine line : lines) {
            units.merge(line.item(), line.quantity(), Integer::sum);
        }
        List<OrderLine> all = new ArrayList<>(units.size());
        for (OrderLine line : this.lines) {
            Integer refundedUnits = units.get(line.item());
            if (refundedUnits != null) {
                all.add(new OrderLine(line.item(), refundedUnits, line.unitPrice()));
            }
        }
        boolean whole = unitsLeft(all).values().stream().allMatch(left -> left == 0);
        return new Order(
                id,
                customer,
                this.lines,
                amount,
                whole ? OrderStatus.REFUNDED : OrderStatus.PARTIALLY_REFUNDED,
                defaultPaymentMethod,
                payment.refunded(refundTransaction),
                createdAt,
                now,
                traceParent,
                stockReserved,
                List.copyOf(all));
    }

    /** Each line's units not refunded yet, by item, in the lines' order. */
    Map<String, Integer> unitsLeft() {
        return unitsLeft(refunded);
    }

    private Map<String, Integer> unitsLeft(List<OrderLine> refundedLines) {
        Map<String, Integer> left = new LinkedHashMap<>();
        for (OrderLine line : lines) {
            left.put(line.item(), line.quantity());
        }
        for (OrderLine line : refundedLines) {
            left.merge(line.item(), -line.quantity(), Integer::sum);
        }
        return left;
    }

    /** What has been refunded of the charge: the refunded units at their unit prices. */
    Money refundedAmount() {
        return OrderLine.total(refunded, amount.currency());
    }

    boolean isPending() {
        return status == OrderStatus.PENDING;
    }

    /**
     * The units that go back to stock when this order, read with status {@code before}, is
     * recorded as it is now: every line's if its payment failed and it had taken them (a refund
     * puts back its own units: {@link OrderRefunds}).
     */
    List<OrderLine> unitsReturnedSince(OrderStatus before) {
        boolean released = before == OrderStatus.PENDING && status == OrderStatus.PAYMENT_FAILED;
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
                stockReserved,
                refunded);
    }

    private void requireStatus(OrderStatus expected) {
        if (status != expected) {
            throw new IllegalStateException("Order %s is %s, not %s".formatted(id, status, expected));
        }
    }
}
