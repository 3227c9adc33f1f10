package shop.orders.order;

/** A customer tried to order in someone else's name. */
class CustomerMismatch extends RuntimeException {

    CustomerMismatch() {
        super("You may place orders in your own name only");
    }
}
