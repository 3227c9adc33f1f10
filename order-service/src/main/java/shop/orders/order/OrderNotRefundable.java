package shop.orders.order;

import java.util.UUID;

/** Only a paid order can be refunded, and only once. */
class OrderNotRefundable extends RuntimeException {

    OrderNotRefundable(UUID id, OrderStatus status) {
        super("Order %s is %s; only a PAID order can be refunded".formatted(id, status));
    }
}
