package shop.orders.order;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

/**
 * Pending orders as gauges, so that an order that is not resolving shows on a dashboard and
 * in an alert instead of being retried unseen: {@code shop_orders_pending},
 * {@code shop_orders_pending_stuck} (older than {@code shop.orders.recovery.stuck-after}) and
 * {@code shop_orders_pending_oldest_age_seconds}. One query per scrape, at most once a second.
 */
@Component
class PendingOrderMetrics implements MeterBinder {

    private static final Duration FRESH_FOR = Duration.ofSeconds(1);

    private final Orders orders;
    private final Duration stuckAfter;
    private final Clock clock;
    private final AtomicReference<Reading> last = new AtomicReference<>(new Reading(Instant.MIN, null));

    private record Reading(Instant at, Orders.PendingCounts counts) {
    }

    PendingOrderMetrics(Orders orders, OrderProperties properties, Clock clock) {
        this.orders = orders;
        this.stuckAfter = properties.recovery().stuckAfter();
        this.clock = clock;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("shop.orders.pending", this, m -> m.counts().pending())
            .description("Orders whose payment outcome is not known yet").register(registry);
        Gauge.builder("shop.orders.pending.stuck", this, m -> m.counts().stuck())
            .description("Pending orders older than shop.orders.recovery.stuck-after").register(registry);
        Gauge.builder("shop.orders.pending.oldest.age", this, PendingOrderMetrics::oldestAgeSeconds)
            .baseUnit("seconds").description("Age of the oldest pending order").register(registry);
    }

    /** Seconds, not money: the age of the oldest pending order. */
    private double oldestAgeSeconds() {
        Instant oldest = counts().oldest();
        return oldest == null ? 0 : Duration.between(oldest, clock.instant()).toMillis() / 1000.0;
    }

    private Orders.PendingCounts counts() {
        Instant now = clock.instant();
        Reading reading = last.get();
        if (reading.counts() == null || reading.at().plus(FRESH_FOR).isBefore(now)) {
            reading = new Reading(now, orders.pendingCounts(now.minus(stuckAfter)));
            last.set(reading);
        }
        return reading.counts();
    }
}
