package shop.orders.order;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How orders are paid for.
 *
 * @param defaultPaymentMethod used when an order names none (the local profile sets a test card;
 *     elsewhere an order without a payment method is refused)
 * @param recovery how pending orders are re-driven
 * @param idempotency how long idempotency keys are kept
 */
@ConfigurationProperties("shop.orders")
@Validated
record OrderProperties(@Nullable @Pattern(regexp = "\\d{12,19}|tok_[A-Za-z0-9_]{1,60}") String defaultPaymentMethod,
        @Valid @NotNull @DefaultValue Recovery recovery, @Valid @NotNull @DefaultValue Idempotency idempotency) {

    /**
     * @param interval how often the job looks for due orders
     * @param batchSize how many orders one pass claims
     * @param firstDelay how long after placement a pending order is first retried (longer than a
     *     request's payment deadline, so the job does not race the request)
     * @param maxBackoff the longest wait between two attempts
     * @param stuckAfter how long a pending order may take before it counts as stuck: still
     *     retried, but counted by the {@code shop.orders.pending.stuck} metric and listed by
     *     {@code GET /orders?stuck=true} for an operator to look at
     */
    record Recovery(@DefaultValue("true") boolean enabled, @NotNull @DefaultValue("1s") Duration interval,
            @Min(1) @Max(1000) @DefaultValue("50") int batchSize, @NotNull @DefaultValue("5s") Duration firstDelay,
            @NotNull @DefaultValue("60s") Duration maxBackoff, @NotNull @DefaultValue("10m") Duration stuckAfter) {

        Backoff backoff() {
            return new Backoff(interval, maxBackoff);
        }
    }

    /**
     * @param retention how long a key answers with its first order; after that the same key
     *     places a new order
     * @param purgeInterval how often expired keys are deleted
     */
    record Idempotency(@NotNull @DefaultValue("24h") Duration retention,
            @NotNull @DefaultValue("10m") Duration purgeInterval) {
    }
}
