package shop.orders.order;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An order as the API shows it: its lines, each with its unit price and amount, and the total
 * {@code amount}. An order of one line also has the demo's {@code item}, {@code quantity} and
 * {@code price} (the unit price), null for an order of several; {@code success} tells whether it
 * is paid (and not refunded in whole), as in the demo. {@code transaction} is its charge (or the
 * refused attempt); {@code refund} is its latest refund, with the amount refunded in all, and each
 * line says how many of its units were refunded.
 */
record OrderView(
        UUID id,
        @Nullable String item,
        @Nullable Integer quantity,
        @Nullable BigDecimal price,
        BigDecimal amount,
        String currency,
        List<LineView> lines,
        String customer,
        OrderStatus status,
        boolean success,
        @Nullable String declineReason,
        @Nullable TransactionView transaction,
        @Nullable TransactionView refund,
        Instant createdAt,
        Instant updatedAt) {

    record LineView(String item, int quantity, BigDecimal price, BigDecimal amount, int refunded) {}

    record TransactionView(
            UUID id,
            BigDecimal amount,
            String currency,
            boolean success,
            @Nullable String cardBrand,
            @Nullable String cardLast4) {}

    static OrderView of(Order o) {
        boolean charged = o.status().charged();
        BigDecimal amount = o.amount().amount();
        String currency = o.amount().currency();
        Payment p = o.payment();
        TransactionView charge = p.chargeId() == null
                ? null
                : new TransactionView(p.chargeId(), amount, currency, charged, p.cardBrand(), p.cardLast4());
        TransactionView refund = p.refundId() == null
                ? null
                : new TransactionView(
                        p.refundId(), o.refundedAmount().amount(), currency, true, p.cardBrand(), p.cardLast4());
        Map<String, Integer> left = o.unitsLeft();
        List<LineView> lines = o.lines().stream()
                .map(line -> new LineView(
                        line.item(),
                        line.quantity(),
                        line.unitPrice().amount(),
                        line.amount().amount(),
                        line.quantity() - left.getOrDefault(line.item(), line.quantity())))
                .toList();
        LineView only = lines.size() == 1 ? lines.getFirst() : null;
        return new OrderView(
                o.id(),
                only == null ? null : only.item(),
                only == null ? null : only.quantity(),
                only == null ? null : only.price(),
                amount,
                currency,
                lines,
                o.customer(),
                o.status(),
                o.status() == OrderStatus.PAID || o.status() == OrderStatus.PARTIALLY_REFUNDED,
                p.declineReason(),
                charge,
                refund,
                o.createdAt(),
                o.updatedAt());
    }
}
