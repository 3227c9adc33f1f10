package shop.payments.transaction;

import java.util.UUID;

/** An order without a successful charge cannot be refunded. */
class NothingToRefund extends RuntimeException {

    NothingToRefund(UUID orderId) {
        super("Order %s has no successful charge to refund".formatted(orderId));
    }
}
