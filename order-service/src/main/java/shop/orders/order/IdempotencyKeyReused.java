package shop.orders.order;

/** An idempotency key came back with another request than the one it was first used for. */
class IdempotencyKeyReused extends RuntimeException {

    IdempotencyKeyReused(String key) {
        super("Idempotency-Key '%s' was already used for a different request".formatted(key));
    }
}
