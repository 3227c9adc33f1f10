package shop.orders.order;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

/**
 * Everything placing, showing or refunding an order can refuse, as facts of the order domain.
 * Sealed, so that {@link OrderController#problemOf} maps each to HTTP in one exhaustive switch.
 * Messages never repeat a value the client sent. No stack traces: these are answers, not bugs.
 */
abstract sealed class OrderProblem extends RuntimeException {

    private OrderProblem(String message) {
        super(message, null, false, false);
    }

    /** The item named is not in the catalog. */
    static final class UnknownItem extends OrderProblem {

        /** @param field the request's field that names it: {@code item}, or a line's ({@code lines.0.item}) */
        UnknownItem(String field) {
            super("'" + field + "' names no product of the catalog: see GET /products");
        }
    }

    /** A line asking for more units than there are: {@code available} of them. */
    record ShortLine(String item, int quantity, long available) {}

    /**
     * Some lines ask for more units than are available: nothing was stored, and each such line is
     * named with the units available when the order was refused.
     */
    static final class OutOfStock extends OrderProblem {

        private final List<ShortLine> lines;

        OutOfStock(List<ShortLine> lines) {
            super("Not enough in stock for %s; the order was not placed"
                    .formatted(String.join(
                            ", ", lines.stream().map(ShortLine::item).toList())));
            this.lines = List.copyOf(lines);
        }

        List<ShortLine> lines() {
            return lines;
        }
    }

    /** The price the client expects is not the catalog's: refused rather than charged. */
    static final class PriceMismatch extends OrderProblem {

        private final BigDecimal catalogPrice;

        PriceMismatch(String item, BigDecimal catalogPrice) {
            super("The price of %s is %s; the order was not placed".formatted(item, catalogPrice.toPlainString()));
            this.catalogPrice = catalogPrice;
        }

        BigDecimal catalogPrice() {
            return catalogPrice;
        }
    }

    /** The currency the client expects is not the catalog's. */
    static final class CurrencyMismatch extends OrderProblem {

        CurrencyMismatch(String item, String catalogCurrency) {
            super("%s is priced in %s; the order was not placed".formatted(item, catalogCurrency));
        }
    }

    /** The order names no payment method and no default is configured. */
    static final class PaymentMethodMissing extends OrderProblem {

        PaymentMethodMissing() {
            super("'paymentMethod' is required");
        }
    }

    /** Quantity times price does not fit in the amount a payment may carry. */
    static final class TotalTooLarge extends OrderProblem {

        TotalTooLarge() {
            super("The order total is too large");
        }
    }

    /** A customer tried to order in someone else's name. */
    static final class CustomerMismatch extends OrderProblem {

        CustomerMismatch() {
            super("You may place orders in your own name only");
        }
    }

    /** The call is for admins only. */
    static final class AdminOnly extends OrderProblem {

        AdminOnly(String what) {
            super("Only an admin may " + what);
        }
    }

    /** No such order, or not the caller's: the two are not told apart, and the id asked for is not echoed. */
    static final class OrderNotFound extends OrderProblem {

        OrderNotFound() {
            super("No such order");
        }
    }

    /** Only a paid order can be refunded, until all of it is. */
    static final class OrderNotRefundable extends OrderProblem {

        OrderNotRefundable(UUID id, OrderStatus status) {
            super("Order %s is %s; only a PAID or PARTIALLY_REFUNDED order can be refunded".formatted(id, status));
        }
    }

    /**
     * A refund asks for more units of some lines than are left to refund (refunded already, or
     * held by a refund on its way): each such line is named with the units left; nothing changed.
     */
    static final class RefundExceedsOrder extends OrderProblem {

        private final List<ShortLine> lines;

        RefundExceedsOrder(UUID id, List<ShortLine> lines) {
            super("Order %s has not that many units left to refund; nothing was refunded".formatted(id));
            this.lines = List.copyOf(lines);
        }

        List<ShortLine> lines() {
            return lines;
        }
    }

    /** The payment processor would not refund a paid order; it stays paid. */
    static final class RefundDeclined extends OrderProblem {

        private final String reason;

        RefundDeclined(UUID id, String reason) {
            super("The payment processor declined to refund order %s; nothing of it was refunded".formatted(id));
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }

    /** An idempotency key came back with another request than the one it was first used for. */
    static final class IdempotencyKeyReused extends OrderProblem {

        IdempotencyKeyReused() {
            super("This Idempotency-Key was already used for a different request");
        }
    }

    /**
     * payment-service could not confirm a refund now: it is kept, its units held, and completed as
     * soon as payment-service can make it.
     */
    static final class PaymentServiceUnavailable extends OrderProblem {

        PaymentServiceUnavailable() {
            super("The payment service could not confirm the refund now; it is kept and will be made: look at the"
                    + " order, or send the same request again with the same Idempotency-Key");
        }
    }

    /**
     * More orders wait for a payment outcome than the recovery job can be trusted to finish soon:
     * a new order is refused before anything is stored, rather than acknowledged with a promise
     * the system may not keep.
     */
    static final class TooManyPendingOrders extends OrderProblem {

        TooManyPendingOrders() {
            super("Too many orders are waiting for their payment; nothing was stored, retry later");
        }
    }

    /**
     * The payment method cannot be kept durably (no key to seal it with), so a pending order could
     * not be finished after a crash: refused before anything is stored.
     */
    static final class PaymentMethodNotDurable extends OrderProblem {

        PaymentMethodNotDurable() {
            super("Orders with a payment method cannot be taken right now; nothing was stored, retry later");
        }
    }
}
