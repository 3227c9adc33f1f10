package shop.payments.transaction;

/** Only an admin may list transactions. */
class AdminOnly extends RuntimeException {

    AdminOnly() {
        super("Only an admin may list transactions");
    }
}
