package shop.payments.transaction;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A transaction as the API shows it: amounts as decimals, {@code success} as in the original demo. */
record TransactionView(
        UUID id,
        UUID orderId,
        Transaction.Type type,
        Transaction.Status status,
        boolean success,
        BigDecimal amount,
        String currency,
        @Nullable String declineReason,
        @Nullable String cardBrand,
        @Nullable String cardLast4,
        Instant createdAt) {

    static TransactionView of(Transaction t) {
        return new TransactionView(
                t.id(),
                t.orderId(),
                t.type(),
                t.status(),
                t.succeeded(),
                t.amount().amount(),
                t.amount().currency(),
                t.declineReason(),
                t.cardBrand(),
                t.cardLast4(),
                t.createdAt());
    }
}
