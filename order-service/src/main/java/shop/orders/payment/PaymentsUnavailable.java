package shop.orders.payment;

/** payment-service could not complete a call; nothing changed on this side. */
public final class PaymentsUnavailable extends RuntimeException {

    PaymentsUnavailable(String what) {
        super("The payment service could not complete the " + what, null, false, false);
    }
}
