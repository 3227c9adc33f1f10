package shop.orders.order;

/** No such order, or not the caller's: the two are not told apart, and the id asked for is not echoed. */
class OrderNotFound extends RuntimeException {

    OrderNotFound() {
        super("No such order");
    }
}
