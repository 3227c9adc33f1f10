package shop.orders.payment;

/** payment-service could not complete a call; nothing changed on this side. */
public class PaymentsUnavailable extends RuntimeException {

    PaymentsUnavailable(String what, Throwable cause) {
        super("The payment service could not complete the " + what, cause);
    }
}
