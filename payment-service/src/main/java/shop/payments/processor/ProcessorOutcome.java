package shop.payments.processor;

/** What a processor answered to a charge or refund. */
public sealed interface ProcessorOutcome {

    /** The money moved. */
    record Approved() implements ProcessorOutcome {}

    /** The processor refused for good, for the given reason (e.g. {@code card_declined}). */
    record Declined(String reason) implements ProcessorOutcome {}

    /** The processor failed for now; the same request may succeed later. */
    record Unavailable(String reason) implements ProcessorOutcome {}
}
