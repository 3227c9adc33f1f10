package shop.payments.transaction;

import java.util.Set;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Payments as an operator counts them: {@code shop_payments_total{type, outcome, reason}} and
 * {@code shop_payments_amount{type, currency}}. Labels take a few known values only: an unknown
 * decline reason is counted as {@code other}.
 */
@Component
class PaymentMetrics {

    private static final Set<String> KNOWN_REASONS = Set.of("card_declined", "insufficient_funds",
            "incorrect_number", PaymentService.METHOD_UNAVAILABLE, "processing_error");

    private final MeterRegistry meters;

    PaymentMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** A transaction settled: {@code succeeded} or {@code declined}, with its reason. */
    void settled(Transaction transaction) {
        String outcome = transaction.succeeded() ? "succeeded" : "declined";
        count(transaction.type(), outcome, transaction.declineReason());
        if (transaction.succeeded()) {
            DistributionSummary.builder("shop.payments.amount")
                .description("Money moved, by transaction type, in units of its currency")
                .tag("type", typeOf(transaction.type()))
                .tag("currency", transaction.amount().currency()).register(meters)
                // Micrometer takes doubles: a reading for dashboards, never an amount that is charged.
                .record(transaction.amount().amount().doubleValue());
        }
    }

    /** The processor could not answer for now. */
    void processorUnavailable(Transaction.Type type) {
        count(type, "processor_unavailable", "processing_error");
    }

    private void count(Transaction.Type type, String outcome, @Nullable String reason) {
        String boundedReason = reason == null ? "none" : KNOWN_REASONS.contains(reason) ? reason : "other";
        Counter.builder("shop.payments").description("Charges and refunds, by outcome and decline reason")
            .tag("type", typeOf(type)).tag("outcome", outcome).tag("reason", boundedReason).register(meters)
            .increment();
    }

    private static String typeOf(Transaction.Type type) {
        return type == Transaction.Type.CHARGE ? "charge" : "refund";
    }
}
