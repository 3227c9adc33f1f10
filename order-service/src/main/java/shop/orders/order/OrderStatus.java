package shop.orders.order;

/**
 * {@code PENDING → PAID | PAYMENT_FAILED}; {@code PAID → PARTIALLY_REFUNDED → REFUNDED}, or
 * {@code PAID → REFUNDED} when one refund takes every unit left.
 */
enum OrderStatus {
    PENDING,
    PAID,
    PAYMENT_FAILED,
    PARTIALLY_REFUNDED,
    REFUNDED;

    /** Whether its charge was made: paid, whatever has been refunded of it since. */
    boolean charged() {
        return this == PAID || this == PARTIALLY_REFUNDED || this == REFUNDED;
    }
}
