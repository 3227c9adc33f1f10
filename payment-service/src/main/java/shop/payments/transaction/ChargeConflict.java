package shop.payments.transaction;

import java.util.UUID;

import shop.defaults.Money;

/** An order was already charged (or refunded) for another amount than the one now asked. */
class ChargeConflict extends RuntimeException {

    ChargeConflict(UUID orderId, Money recorded, Money requested) {
        super("Order %s already has a transaction of %s, not %s".formatted(orderId, recorded, requested));
    }
}
