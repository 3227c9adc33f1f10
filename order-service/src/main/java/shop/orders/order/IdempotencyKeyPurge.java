package shop.orders.order;

import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deletes idempotency keys past their retention. Safe on every replica at once: a delete is a delete. */
final class IdempotencyKeyPurge {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyKeyPurge.class);

    private final Vertx vertx;
    private final IdempotencyKeys keys;
    private final OrderSettings.Idempotency settings;
    private final Clock clock;
    private long timer = -1;

    IdempotencyKeyPurge(Vertx vertx, IdempotencyKeys keys, OrderSettings.Idempotency settings, Clock clock) {
        this.vertx = vertx;
        this.keys = keys;
        this.settings = settings;
        this.clock = clock;
    }

    void start() {
        timer = vertx.setPeriodic(settings.purgeInterval().toMillis(), tick -> purgeExpiredKeys());
    }

    void stop() {
        vertx.cancelTimer(timer);
    }

    private void purgeExpiredKeys() {
        Duration retention = settings.retention();
        keys.deleteCreatedBefore(clock.instant().minus(retention))
                .onSuccess(deleted -> {
                    if (deleted > 0) {
                        log.info("Deleted {} idempotency keys older than {}", deleted, retention);
                    }
                })
                .onFailure(failure -> log.warn("Could not delete expired idempotency keys: {}", failure.toString()));
    }
}
