package shop.payments.transaction;

/** The processor failed for now; nothing was recorded and the same request may be retried. */
class ProcessorUnavailable extends RuntimeException {

    ProcessorUnavailable(String reason) {
        super("The payment processor is unavailable (" + reason + "); retry later");
    }
}
