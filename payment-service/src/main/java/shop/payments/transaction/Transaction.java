package shop.payments.transaction;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import shop.defaults.Money;

/**
 * Money that moved, or was refused, for one order. A charge is {@code PROCESSING} from the moment
 * it is claimed until the processor's answer is recorded; its processor token lets any request
 * finish it.
 */
record Transaction(
        UUID id,
        UUID orderId,
        Type type,
        Status status,
        Money amount,
        @Nullable String declineReason,
        @Nullable String cardBrand,
        @Nullable String cardLast4,
        @Nullable String processorToken,
        Instant createdAt) {

    enum Type {
        CHARGE,
        REFUND
    }

    enum Status {
        PROCESSING,
        SUCCEEDED,
        DECLINED
    }

    boolean succeeded() {
        return status == Status.SUCCEEDED;
    }

    boolean isProcessing() {
        return status == Status.PROCESSING;
    }

    /** The processor's answer to a claimed charge. */
    Transaction settled(Status outcome, @Nullable String reason) {
        if (!isProcessing()) {
            throw new IllegalStateException("Transaction %s is already %s".formatted(id, status));
        }
        return new Transaction(
                id, orderId, type, outcome, amount, reason, cardBrand, cardLast4, processorToken, createdAt);
    }

    /** Whether a repeated request for this order asks for the same money. */
    boolean isFor(Money requested) {
        return amount.equals(requested);
    }
}
