package shop.orders.order;

/** {@code PENDING → PAID | PAYMENT_FAILED}, {@code PAID → REFUNDED}. */
enum OrderStatus {
    PENDING,
    PAID,
    PAYMENT_FAILED,
    REFUNDED
}
