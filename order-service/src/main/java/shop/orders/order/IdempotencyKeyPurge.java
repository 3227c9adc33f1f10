package shop.orders.order;

import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Deletes idempotency keys past their retention. Safe on every replica at once: a delete is a delete. */
@Component
class IdempotencyKeyPurge {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyKeyPurge.class);

    private final IdempotencyKeys keys;
    private final OrderProperties.Idempotency settings;
    private final Clock clock;

    IdempotencyKeyPurge(IdempotencyKeys keys, OrderProperties properties, Clock clock) {
        this.keys = keys;
        this.settings = properties.idempotency();
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${shop.orders.idempotency.purge-interval:10m}",
            initialDelayString = "${shop.orders.idempotency.purge-interval:10m}")
    void purgeExpiredKeys() {
        int deleted = keys.deleteCreatedBefore(clock.instant().minus(settings.retention()));
        if (deleted > 0) {
            log.info("Deleted {} idempotency keys older than {}", deleted, settings.retention());
        }
    }
}
