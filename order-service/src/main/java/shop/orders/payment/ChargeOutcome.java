package shop.orders.payment;

/** What a charge attempt established about an order's payment. */
public sealed interface ChargeOutcome {

    /** The money moved, once, in this transaction. */
    record Charged(Transaction charge) implements ChargeOutcome {}

    /** The payment was refused for good; the transaction is payment-service's record of the refusal. */
    record Declined(String reason, Transaction attempt) implements ChargeOutcome {}

    /**
     * Nobody knows yet. {@code claimed} says that payment-service answered about this very charge
     * (the processor failed for now): it then holds the charge's claim and the processor's token, so
     * a retry needs no payment method. Otherwise (no answer in time, no connection, the breaker
     * open, a refusal of the call itself) it may never have seen the order.
     */
    record Unknown(String why, boolean claimed) implements ChargeOutcome {}
}
