package shop.orders.order;

/** A customer tried to order in someone else's name. */
class CustomerMismatch extends RuntimeException {

    CustomerMismatch(String customer) {
        super("You may not place orders for customer '%s'".formatted(customer));
    }
}
