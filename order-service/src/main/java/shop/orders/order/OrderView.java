package shop.orders.order;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An order as the API shows it. {@code price} is the unit price and {@code success} tells
 * whether it is paid, as in the original demo; {@code transaction} is its charge (or the refused
 * attempt) and {@code refund} its refund.
 */
record OrderView(
        UUID id,
        String item,
        int quantity,
        BigDecimal price,
        BigDecimal amount,
        String currency,
        String customer,
        OrderStatus status,
        boolean success,
        @Nullable String declineReason,
        @Nullable TransactionView transaction,
        @Nullable TransactionView refund,
        Instant createdAt,
        Instant updatedAt) {

    record TransactionView(
            UUID id,
            BigDecimal amount,
            String currency,
            boolean success,
            @Nullable String cardBrand,
            @Nullable String cardLast4) {}

    static OrderView of(Order o) {
        boolean charged = o.status() == OrderStatus.PAID || o.status() == OrderStatus.REFUNDED;
        BigDecimal amount = o.amount().amount();
        String currency = o.amount().currency();
        Payment p = o.payment();
        TransactionView charge = p.chargeId() == null
                ? null
                : new TransactionView(p.chargeId(), amount, currency, charged, p.cardBrand(), p.cardLast4());
        TransactionView refund = p.refundId() == null
                ? null
                : new TransactionView(p.refundId(), amount, currency, true, p.cardBrand(), p.cardLast4());
        return new OrderView(
                o.id(),
                o.item(),
                o.quantity(),
                o.unitPrice().amount(),
                amount,
                currency,
                o.customer(),
                o.status(),
                o.status() == OrderStatus.PAID,
                p.declineReason(),
                charge,
                refund,
                o.createdAt(),
                o.updatedAt());
    }
}
