package shop.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import shop.loadgen.LoadGenerator;
import shop.loadgen.Result;
import shop.loadgen.Settings;

/**
 * The load generator against the three real services for a few seconds, open loop and closed
 * loop, then the consistency check: every order it was told about exists with the right charge.
 * A smoke test of the benchmark, not a measure of speed (that is {@code ./shop bench}'s job).
 */
class BenchmarkSmokeSystemTest {

    @Test
    void runsTheLoadGeneratorAndFindsEveryAcknowledgedOrderCorrectlyCharged() throws Exception {
        ShopProcesses shop = new ShopProcesses("bench-smoke")
                .withEnv("api-gateway", "SHOP_RATE_LIMIT", "0")
                .start();
        try {
            URI gateway = URI.create(shop.gatewayUrl());
            // Freshly started JVMs answer the first orders slowly (the JIT has compiled nothing
            // yet); an open loop on them would time out at the gateway on a slow machine. So a
            // warm-up first, as the benchmark does; its orders are checked too.
            Result warmUp = new LoadGenerator(new Settings(gateway, "local-gregor-key", 0, 2, Duration.ofSeconds(5)))
                    .run(System.out);
            Result open = new LoadGenerator(new Settings(gateway, "local-gregor-key", 20, 0, Duration.ofSeconds(3)))
                    .run(System.out);
            Result closed = new LoadGenerator(new Settings(gateway, "local-alice-key", 0, 4, Duration.ofSeconds(3)))
                    .run(System.out);
            System.out.println(Result.header());
            System.out.println(warmUp.row());
            System.out.println(open.row());
            System.out.println(closed.row());

            assertThat(open.acknowledged()).as("open loop at 20/s for 3 s").isNotEmpty();
            assertThat(closed.acknowledged()).isNotEmpty();
            assertThat(open.errors() + closed.errors())
                    .as("errors by kind: open loop %s, closed loop %s", open.errorKinds(), closed.errorKinds())
                    .isZero();
            assertThat(open.latencies().getTotalCount())
                    .isEqualTo(open.acknowledged().size());

            // An order answered 202 under a cold start is finished by the recovery job: let it.
            long pendingLeft =
                    ShopInvariants.awaitNoPendingOrders(new Gateway(shop.gatewayUrl()), Duration.ofMinutes(1));
            shop.stop();
            Map<String, ShopInvariants.Answer> answers = java.util.stream.Stream.of(warmUp, open, closed)
                    .flatMap(result -> result.acknowledged().stream())
                    .collect(Collectors.toMap(id -> id, id -> new ShopInvariants.Answer(id, 0, null, null, false)));
            ShopInvariants.Found found = ShopInvariants.check(shop, answers, Set.of(), pendingLeft);
            assertThat(found.violations())
                    .as(String.join("\n", found.violations()))
                    .isEmpty();
            assertThat(found.lost()).isZero();
        } finally {
            shop.stop();
        }
    }
}
