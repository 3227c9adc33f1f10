package shop.orders.order;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * How many orders wait for a payment outcome: the bound on new ones ({@code SHOP_ORDERS_MAX_PENDING})
 * and the gauges {@code shop_orders_pending}, {@code shop_orders_pending_stuck} (older than the
 * stuck threshold) and {@code shop_orders_pending_oldest_age_seconds}. The count is kept in memory
 * (this process's new and settled orders move it at once) and set from the database every second,
 * which also brings in what other replicas did: one cheap query a second, none per request.
 */
final class PendingOrders {

    private final Orders orders;
    private final int max;
    private final Duration stuckAfter;
    private final Clock clock;
    private final AtomicLong pending = new AtomicLong();
    private volatile long stuck;
    private volatile @Nullable Instant oldest;

    PendingOrders(Orders orders, int max, Duration stuckAfter, Clock clock, MeterRegistry registry) {
        this.orders = orders;
        this.max = max;
        this.stuckAfter = stuckAfter;
        this.clock = clock;
        Gauge.builder("shop.orders.pending", pending, AtomicLong::get)
                .description("Orders whose payment outcome is not known yet")
                .register(registry);
        Gauge.builder("shop.orders.pending.stuck", this, p -> p.stuck)
                .description("Pending orders older than SHOP_ORDERS_RECOVERY_STUCK_AFTER")
                .register(registry);
        Gauge.builder("shop.orders.pending.oldest.age", this, PendingOrders::oldestAgeSeconds)
                .baseUnit("seconds")
                .description("Age of the oldest pending order")
                .register(registry);
    }

    /** Whether a new pending order would pass the bound: then it is refused before anything is stored. */
    boolean full() {
        return pending.get() >= max;
    }

    void added() {
        pending.incrementAndGet();
    }

    void settled() {
        pending.decrementAndGet();
    }

    /** The orders pending now, as last counted. */
    long pending() {
        return pending.get();
    }

    /** The pending orders older than the stuck threshold, as last counted. */
    long stuck() {
        return stuck;
    }

    /** Sets the figures from the database. */
    Future<Void> refresh() {
        Instant now = clock.instant();
        return orders.pendingCounts(now.minus(stuckAfter)).map(counts -> {
            pending.set(counts.pending());
            stuck = counts.stuck();
            oldest = counts.oldest();
            return null;
        });
    }

    /** Seconds, not money: the age of the oldest pending order. */
    private double oldestAgeSeconds() {
        Instant since = oldest;
        return since == null ? 0 : Duration.between(since, clock.instant()).toMillis() / 1000.0;
    }
}
