package shop.orders.payment;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** What payment-service recorded for a charge or a refund: never a card number, only its brand and last four. */
public record Transaction(
        UUID id,
        boolean success,
        @Nullable String declineReason,
        @Nullable String cardBrand,
        @Nullable String cardLast4) {}
