package shop.payments.transaction;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import shop.defaults.Money;

/** Money that moved, or was refused, for one order. */
record Transaction(UUID id, UUID orderId, Type type, Status status, Money amount, @Nullable String declineReason,
        @Nullable String cardBrand, @Nullable String cardLast4, Instant createdAt) {

    enum Type {
        CHARGE, REFUND
    }

    enum Status {
        SUCCEEDED, DECLINED
    }

    boolean succeeded() {
        return status == Status.SUCCEEDED;
    }

    /** Whether a repeated request for this order asks for the same money. */
    boolean isFor(Money requested) {
        return amount.equals(requested);
    }
}
