package shop.orders.order;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: the delay doubles with each attempt up to {@code max}, and
 * is spread between half and the whole of that, so that retries from many orders (or many
 * replicas) do not arrive together.
 */
record Backoff(Duration base, Duration max) {

    /** The least {@link #delayAfter} ever waits. */
    Duration shortest() {
        return Duration.ofMillis(Math.min(base.toMillis(), max.toMillis()) / 2);
    }

    Duration delayAfter(int attempts) {
        long ceiling = base.toMillis() << Math.min(Math.max(attempts - 1, 0), 20);
        long capped = Math.min(ceiling, max.toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }
}
