package shop.orders.payment;

/** The payment processor declined the refund (payment-service said so); nothing changed, the charge stands. */
public final class RefundDeclined extends RuntimeException {

    private final String reason;

    RefundDeclined(String reason) {
        super("The payment processor declined the refund (" + reason + ")", null, false, false);
        this.reason = reason;
    }

    /** The processor's reason, as payment-service names it ({@code declineReason}). */
    public String reason() {
        return reason;
    }
}
