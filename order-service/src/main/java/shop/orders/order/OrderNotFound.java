package shop.orders.order;

/** No such order, or not the caller's: the two are not told apart. */
class OrderNotFound extends RuntimeException {

    OrderNotFound(String id) {
        super("No order " + id);
    }
}
