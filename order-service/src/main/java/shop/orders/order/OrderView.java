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
record OrderView(UUID id, String item, int quantity, BigDecimal price, BigDecimal amount, String currency,
        String customer, OrderStatus status, boolean success, @Nullable String declineReason,
        @Nullable TransactionView transaction, @Nullable TransactionView refund, Instant createdAt,
        Instant updatedAt) {

    record TransactionView(UUID id, BigDecimal amount, String currency, boolean success, @Nullable String cardBrand,
            @Nullable String cardLast4) {
    }

    static OrderView of(Order o) {
        boolean charged = o.status() == OrderStatus.PAID || o.status() == OrderStatus.REFUNDED;
        BigDecimal amount = o.amount().amount();
        String currency = o.amount().currency();
        TransactionView charge = o.chargeId() == null ? null
                : new TransactionView(o.chargeId(), amount, currency, charged, o.cardBrand(), o.cardLast4());
        TransactionView refund = o.refundId() == null ? null
                : new TransactionView(o.refundId(), amount, currency, true, o.cardBrand(), o.cardLast4());
        return new OrderView(o.id(), o.item(), o.quantity(), o.unitPrice().amount(), amount, currency, o.customer(),
                o.status(), o.status() == OrderStatus.PAID, o.declineReason(), charge, refund, o.createdAt(),
                o.updatedAt());
    }
}
