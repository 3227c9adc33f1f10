package shop.payments.transaction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * Payments as an operator counts them: {@code shop_payments_total{type, outcome, reason}} and
 * {@code shop_payments_amount{type, currency}}. Labels take a few known values only: an unknown
 * decline reason is counted as {@code other}. Each series is registered when it first moves, as
 * before, and kept here so that a payment does not build and look up its meter every time.
 */
class PaymentMetrics {

    private static final Set<String> KNOWN_REASONS = Set.of(
            "card_declined",
            "insufficient_funds",
            "incorrect_number",
            PaymentService.METHOD_UNAVAILABLE,
            "processing_error");

    private final MeterRegistry meters;
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, DistributionSummary> amounts = new ConcurrentHashMap<>();

    PaymentMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** A transaction settled: {@code succeeded} or {@code declined}, with its reason. */
    void settled(Transaction transaction) {
        String outcome = transaction.succeeded() ? "succeeded" : "declined";
        count(transaction.type(), outcome, transaction.declineReason());
        if (transaction.succeeded()) {
            String type = typeOf(transaction.type());
            String currency = transaction.amount().currency();
            amounts.computeIfAbsent(
                            type + ' ' + currency,
                            key -> DistributionSummary.builder("shop.payments.amount")
                                    .description("Money moved, by transaction type, in units of its currency")
                                    .tag("type", type)
                                    .tag("currency", currency)
                                    .register(meters))
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
        String typeName = typeOf(type);
        counters.computeIfAbsent(
                        typeName + ' ' + outcome + ' ' + boundedReason,
                        key -> Counter.builder("shop.payments")
                                .description("Charges and refunds, by outcome and decline reason")
                                .tag("type", typeName)
                                .tag("outcome", outcome)
                                .tag("reason", boundedReason)
                                .register(meters))
                .increment();
    }

    private static String typeOf(Transaction.Type type) {
        return type == Transaction.Type.CHARGE ? "charge" : "refund";
    }
}
