package shop.orders.order;

/** The call is for admins only. */
class AdminOnly extends RuntimeException {

    AdminOnly() {
        super("Only an admin may list stuck orders");
    }
}
