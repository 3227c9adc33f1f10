package shop.orders.order;

/** Quantity times price does not fit in the amount a payment may carry. */
class TotalTooLarge extends RuntimeException {

    TotalTooLarge() {
        super("The order total is too large");
    }
}
