package shop.orders.order;

/** An idempotency key came back with another request than the one it was first used for. */
class IdempotencyKeyReused extends RuntimeException {

    IdempotencyKeyReused() {
        super("This Idempotency-Key was already used for a different request");
    }
}
