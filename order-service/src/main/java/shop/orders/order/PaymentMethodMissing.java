package shop.orders.order;

/** The order names no payment method and no default is configured. */
class PaymentMethodMissing extends RuntimeException {

    PaymentMethodMissing() {
        super("'paymentMethod' is required");
    }
}
