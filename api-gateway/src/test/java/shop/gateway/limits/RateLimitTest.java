package shop.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RateLimitTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void letsABurstOfTwiceTheRateThroughThenRefillsAtTheRate() {
        var bucket = new RateLimit.Bucket(5);
        long now = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            assertThat(bucket.take(now)).as("request %d of the burst", i + 1).isZero();
        }
        long wait = bucket.take(now);
        assertThat(wait).as("the 11th waits for a token: 1/5 s").isBetween(199 * MS, 201 * MS);
        assertThat(bucket.take(now + 200 * MS)).isZero();
        assertThat(bucket.take(now + 200 * MS)).isPositive();
    }

    @Test
    void forgetsABucketOnceItIsFullAgain() {
        var bucket = new RateLimit.Bucket(5);
        long now = System.nanoTime();
        bucket.take(now);
        assertThat(bucket.fullAt(now)).isFalse();
        assertThat(bucket.fullAt(now + 200 * MS)).isTrue();
    }
}
