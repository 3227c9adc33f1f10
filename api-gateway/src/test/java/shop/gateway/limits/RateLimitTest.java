package shop.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RateLimitTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void letsABurstOfTwiceTheRateThroughThenRefillsAtTheRate() {
        var bucket = new Buckets.Bucket(10, 5, 0);
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
        var bucket = new Buckets.Bucket(10, 5, 0);
        long now = System.nanoTime();
        bucket.take(now);
        assertThat(bucket.fullAt(now)).isFalse();
        assertThat(bucket.fullAt(now + 200 * MS)).isTrue();
    }

    @Test
    void staysBoundedUnder100000DistinctCallersAndKeepsLimitingTheKnownOnes() {
        var limit = new RateLimit(5, new ClientAddresses(List.of()));
        long now = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            limit.take("caller:greedy", now);
        }
        assertThat(limit.take("caller:greedy", now))
                .as("the greedy caller is limited")
                .isPositive();
        int largest = 0;
        for (int i = 0; i < 100_000; i++) {
            // 100,000 callers within 50 ms: none idle long enough to be forgotten meanwhile.
            long at = now + (i / 20) * MS / 100;
            assertThat(limit.take("address:10.%d.%d.%d".formatted(i >> 16, (i >> 8) & 0xff, i & 0xff), at))
                    .isGreaterThanOrEqualTo(0);
            largest = Math.max(largest, limit.trackedCallers());
        }
        assertThat(largest).as("callers tracked at once").isLessThanOrEqualTo(RateLimit.MAX_CALLERS);
        assertThat(limit.take("caller:greedy", now + 50 * MS))
                .as("a known caller keeps its own, still empty, bucket")
                .isPositive();

        limit.forgetIdleCallers(now + 10_000 * MS);
        assertThat(limit.trackedCallers()).as("idle callers are forgotten").isZero();
    }

    @Test
    void limitsNewcomersTogetherOnceTheTableIsFull() {
        var buckets = new Buckets(2, 1, 3);
        long now = System.nanoTime();
        for (String key : List.of("a", "b", "c")) {
            assertThat(buckets.take(key, now)).isZero();
        }
        assertThat(buckets.take("d", now))
                .as("a newcomer takes from the shared overflow bucket")
                .isZero();
        assertThat(buckets.take("e", now)).isZero();
        assertThat(buckets.take("f", now)).as("the overflow bucket is empty").isPositive();
        assertThat(buckets.size()).isEqualTo(3);
        assertThat(buckets.take("g", now + 3_000 * MS))
                .as("once the known ones have refilled they are forgotten, and room is made")
                .isZero();
        assertThat(buckets.size()).isEqualTo(1);
    }
}
