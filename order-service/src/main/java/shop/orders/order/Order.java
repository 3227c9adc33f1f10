package shop.orders.order;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import shop.defaults.Money;
import shop.orders.catalog.Product;
import shop.orders.payment.PaymentClient.PaymentTransaction;

/**
 * An order and what is known of its payment. Its state changes only through the methods
 * below, each of which refuses a transition the order's status does not allow.
 */
record Order(UUID id, String customer, String item, int quantity, Money unitPrice, Money amount, OrderStatus status,
        boolean defaultPaymentMethod, @Nullable UUID chargeId, @Nullable String declineReason,
        @Nullable String cardBrand, @Nullable String cardLast4, @Nullable UUID refundId, Instant createdAt,
        Instant updatedAt, @Nullable String traceParent) {

    static Order place(String customer, Product product, int quantity, boolean defaultPaymentMethod, Instant now,
            @Nullable String traceParent) {
        return new Order(UUID.randomUUID(), customer, product.item(), quantity, product.price(),
                product.price().times(quantity), OrderStatus.PENDING, defaultPaymentMethod, null, null, null, null,
                null, now, now, traceParent);
    }

    Order paid(PaymentTransaction charge, Instant now) {
        requireStatus(OrderStatus.PENDING);
        return new Order(id, customer, item, quantity, unitPrice, amount, OrderStatus.PAID, defaultPaymentMethod,
                charge.id(), null, charge.cardBrand(), charge.cardLast4(), null, createdAt, now, traceParent);
    }

    Order paymentFailed(String reason, @Nullable PaymentTransaction attempt, Instant now) {
        requireStatus(OrderStatus.PENDING);
        return new Order(id, customer, item, quantity, unitPrice, amount, OrderStatus.PAYMENT_FAILED,
                defaultPaymentMethod, attempt != null ? attempt.id() : null, reason,
                attempt != null ? attempt.cardBrand() : null, attempt != null ? attempt.cardLast4() : null, null,
                createdAt, now, traceParent);
    }

    Order refunded(PaymentTransaction refund, Instant now) {
        if (status != OrderStatus.PAID) {
            throw new OrderNotRefundable(id, status);
        }
        return new Order(id, customer, item, quantity, unitPrice, amount, OrderStatus.REFUNDED, defaultPaymentMethod,
                chargeId, declineReason, cardBrand, cardLast4, refund.id(), createdAt, now, traceParent);
    }

    boolean isPending() {
        return status == OrderStatus.PENDING;
    }

    private void requireStatus(OrderStatus expected) {
        if (status != expected) {
            throw new IllegalStateException("Order %s is %s, not %s".formatted(id, status, expected));
        }
    }
}
