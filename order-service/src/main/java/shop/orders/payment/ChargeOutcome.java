package shop.orders.payment;

import org.jspecify.annotations.Nullable;
import shop.orders.payment.PaymentClient.PaymentTransaction;

/** What a charge attempt established about an order's payment. */
public sealed interface ChargeOutcome {

    /** The money moved, once, in this transaction. */
    record Charged(PaymentTransaction charge) implements ChargeOutcome {
    }

    /**
     * The payment was refused for good. The transaction is payment-service's record of the
     * refusal; there is none when the payment method was no longer known.
     */
    record Declined(String reason, @Nullable PaymentTransaction attempt) implements ChargeOutcome {
    }

    /** Nobody knows yet: payment-service did not answer, or the processor failed for now. */
    record Unknown(String why) implements ChargeOutcome {
    }
}
