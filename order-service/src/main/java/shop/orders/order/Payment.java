package shop.orders.order;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What is known of an order's payment, as payment-service reported it: the charge (or the refused
 * attempt) with the card's brand and last four digits, why it was refused, and the refund. Never
 * a card number.
 */
record Payment(
        @Nullable UUID chargeId,
        @Nullable String declineReason,
        @Nullable String cardBrand,
        @Nullable String cardLast4,
        @Nullable UUID refundId) {

    /** Nothing yet: the order is pending. */
    static final Payment NONE = new Payment(null, null, null, null, null);

    static Payment charged(UUID chargeId, @Nullable String cardBrand, @Nullable String cardLast4) {
        return new Payment(chargeId, null, cardBrand, cardLast4, null);
    }

    /** Refused for good; {@code attemptId} is payment-service's record of the refusal, if it kept one. */
    static Payment refused(
            String reason, @Nullable UUID attemptId, @Nullable String cardBrand, @Nullable String cardLast4) {
        return new Payment(attemptId, reason, cardBrand, cardLast4, null);
    }

    Payment refunded(UUID refund) {
        return new Payment(chargeId, declineReason, cardBrand, cardLast4, refund);
    }
}
