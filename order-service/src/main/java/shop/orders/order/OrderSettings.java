package shop.orders.order;

import java.time.Duration;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import shop.defaults.Settings;

/**
 * How orders are paid for, from the environment.
 *
 * @param defaultPaymentMethod used when an order names none ({@code SHOP_ORDERS_DEFAULT_PAYMENT_METHOD};
 *     the local profile's default is a test card, as the demo's payments always succeeded;
 *     elsewhere an order without a payment method is refused)
 * @param maxPending orders that may wait for a payment outcome at once ({@code SHOP_ORDERS_MAX_PENDING},
 *     5000): past it a new order is refused with 503 instead of acknowledged with 202
 */
record OrderSettings(
        @Nullable String defaultPaymentMethod, int maxPending, Recovery recovery, Idempotency idempotency) {

    /**
     * How pending orders are re-driven ({@code SHOP_ORDERS_RECOVERY_*}).
     *
     * @param interval how often the job looks for due orders when it has drained them ({@code _INTERVAL}, 1 s),
     *     and the first step of the backoff
     * @param batchSize how many orders one claim takes ({@code _BATCH_SIZE}, 50)
     * @param concurrency how many retries may be in flight at once ({@code _CONCURRENCY}, 200)
     * @param firstDelay how long after placement a pending order is first retried ({@code _FIRST_DELAY},
     *     5 s: longer than a request's call to payment-service may take, 3 s by default; the
     *     request's call is cut short to end before it anyway, so the job never races the request)
     * @param maxBackoff the longest wait between two attempts ({@code _MAX_BACKOFF}, 60 s)
     * @param stuckAfter how long a pending order may take before it counts as stuck ({@code _STUCK_AFTER},
     *     10 min): still retried, but counted by {@code shop_orders_pending_stuck} and listed by
     *     {@code GET /orders?stuck=true} for an operator to look at
     */
    record Recovery(
            boolean enabled,
            Duration interval,
            int batchSize,
            int concurrency,
            Duration firstDelay,
            Duration maxBackoff,
            Duration stuckAfter) {

        Backoff backoff() {
            return new Backoff(interval, maxBackoff);
        }
    }

    /**
     * @param retention how long a key answers with its first order ({@code SHOP_ORDERS_IDEMPOTENCY_RETENTION},
     *     24 h); after that the same key places a new order
     * @param purgeInterval how often expired keys are deleted ({@code SHOP_ORDERS_IDEMPOTENCY_PURGE_INTERVAL}, 10 min)
     */
    record Idempotency(Duration retention, Duration purgeInterval) {}

    /** The local profile's default: the test card that always succeeds. */
    static final String LOCAL_DEFAULT_PAYMENT_METHOD = "4242424242424242";

    private static final Pattern PAYMENT_METHOD = PlaceOrderRequest.PAYMENT_METHOD;

    OrderSettings {
        if (defaultPaymentMethod != null
                && !PAYMENT_METHOD.matcher(defaultPaymentMethod).matches()) {
            throw new IllegalArgumentException(
                    "SHOP_ORDERS_DEFAULT_PAYMENT_METHOD must be a card number or a processor token (tok_...)");
        }
        if (recovery.concurrency() < recovery.batchSize()) {
            throw new IllegalArgumentException(
                    "SHOP_ORDERS_RECOVERY_CONCURRENCY must be at least SHOP_ORDERS_RECOVERY_BATCH_SIZE");
        }
    }

    static OrderSettings from(Settings settings) {
        String prefix = "SHOP_ORDERS_RECOVERY_";
        Recovery recovery = new Recovery(
                settings.flag(prefix + "ENABLED", true),
                settings.positiveDuration(prefix + "INTERVAL", Duration.ofSeconds(1)),
                settings.integer(prefix + "BATCH_SIZE", 50, 1, 1000),
                settings.integer(prefix + "CONCURRENCY", 200, 1, 10_000),
                settings.duration(prefix + "FIRST_DELAY", Duration.ofSeconds(5)),
                settings.positiveDuration(prefix + "MAX_BACKOFF", Duration.ofSeconds(60)),
                settings.duration(prefix + "STUCK_AFTER", Duration.ofMinutes(10)));
        Idempotency idempotency = new Idempotency(
                settings.positiveDuration("SHOP_ORDERS_IDEMPOTENCY_RETENTION", Duration.ofHours(24)),
                settings.positiveDuration("SHOP_ORDERS_IDEMPOTENCY_PURGE_INTERVAL", Duration.ofMinutes(10)));
        return new OrderSettings(
                settings.optional("SHOP_ORDERS_DEFAULT_PAYMENT_METHOD")
                        .orElse(settings.local() ? LOCAL_DEFAULT_PAYMENT_METHOD : null),
                settings.integer("SHOP_ORDERS_MAX_PENDING", 5000, 1, 10_000_000),
                recovery,
                idempotency);
    }
}
