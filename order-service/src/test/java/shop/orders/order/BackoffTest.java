package shop.orders.order;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));

    @RepeatedTest(20)
    void doublesEachAttemptWithJitterUpToTheMaximum() {
        assertThat(backoff.delayAfter(1)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
        assertThat(backoff.delayAfter(3)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
        assertThat(backoff.delayAfter(50)).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(60));
    }

    /** What an attempt's end may rely on: the order is never due again sooner than this after it. */
    @RepeatedTest(20)
    void neverWaitsLessThanItsShortestDelay() {
        assertThat(backoff.shortest()).isEqualTo(Duration.ofMillis(500));
        for (int attempts = 0; attempts < 30; attempts++) {
            assertThat(backoff.delayAfter(attempts)).isGreaterThanOrEqualTo(backoff.shortest());
        }
        Backoff capped = new Backoff(Duration.ofMillis(201), Duration.ofMillis(101));
        assertThat(capped.shortest()).isEqualTo(Duration.ofMillis(50));
        assertThat(capped.delayAfter(1)).isGreaterThanOrEqualTo(capped.shortest());
    }
}
