package shop.payments.transaction;

import java.util.UUID;
import shop.defaults.Money;

/**
 * Everything a charge, a refund or a listing can refuse, as facts of the payment domain. Each
 * is a {@link RuntimeException} so that it can fail a future, without a stack trace: it is an
 * answer, not a bug, and capturing a stack for every refusal would cost CPU under load for nothing.
 * {@link TransactionController} decides what each one is in HTTP, in one place.
 */
sealed interface PaymentProblem
        permits PaymentProblem.ChargeConflict,
                PaymentProblem.NothingToRefund,
                PaymentProblem.RefundDeclined,
                PaymentProblem.RefundExceedsCharge,
                PaymentProblem.ProcessorUnavailable,
                PaymentProblem.NotOrderService,
                PaymentProblem.AdminOnly {

    String getMessage();

    /** An order was already charged (or refunded) for another amount than the one now asked. */
    final class ChargeConflict extends RuntimeException implements PaymentProblem {

        ChargeConflict(UUID orderId, Money recorded, Money requested) {
            super(
                    "Order %s already has a transaction of %s, not %s".formatted(orderId, recorded, requested),
                    null,
                    false,
                    false);
        }
    }

    /** An order without a successful charge cannot be refunded. */
    final class NothingToRefund extends RuntimeException implements PaymentProblem {

        NothingToRefund(UUID orderId) {
            super("Order %s has no successful charge to refund".formatted(orderId), null, false, false);
        }
    }

    /** The processor declined to refund the charge; nothing was recorded, and the charge stands. */
    /** A refund for more than is left of the charge: nothing changed. */
    final class RefundExceedsCharge extends RuntimeException implements PaymentProblem {

        RefundExceedsCharge(UUID orderId) {
            super(
                    "The refunds of order %s would add up to more than its charge".formatted(orderId),
                    null,
                    false,
                    false);
        }
    }

    final class RefundDeclined extends RuntimeException implements PaymentProblem {

        private final String reason;

        RefundDeclined(UUID orderId, String reason) {
            super(
                    "The payment processor declined to refund order %s (%s)".formatted(orderId, reason),
                    null,
                    false,
                    false);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }

    /** The processor failed for now; nothing was recorded and the same request may be retried. */
    final class ProcessorUnavailable extends RuntimeException implements PaymentProblem {

        ProcessorUnavailable(String reason) {
            super("The payment processor is unavailable (" + reason + "); retry later", null, false, false);
        }
    }

    /** Only order-service may charge or refund. */
    final class NotOrderService extends RuntimeException implements PaymentProblem {

        NotOrderService(String service) {
            super("Charges and refunds are for order-service only, not " + service, null, false, false);
        }
    }

    /** Only an admin may list transactions. */
    final class AdminOnly extends RuntimeException implements PaymentProblem {

        AdminOnly() {
            super("Only an admin may list transactions", null, false, false);
        }
    }
}
