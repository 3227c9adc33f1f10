package shop.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import shop.loadgen.Consistency;
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
            List<String> ids = java.util.stream.Stream.of(warmUp, open, closed)
                    .flatMap(result -> result.acknowledged().stream())
                    .toList();
            Map<String, ShopInvariants.Answer> answers = ids.stream()
                    .collect(Collectors.toMap(id -> id, id -> new ShopInvariants.Answer(id, 0, null, null, false)));
            ShopInvariants.Found found = ShopInvariants.check(shop, answers, Set.of(), pendingLeft);
            assertThat(found.violations())
                    .as(String.join("\n", found.violations()))
                    .isEmpty();
            assertThat(found.lost()).isZero();
            // Last, as it spoils a charge on purpose.
            benchmarksCheckHoldsAndCatchesWhatIsWrong(shop, ids);
        } finally {
            shop.stop();
        }
    }

    /**
     * {@code ./shop bench}'s own check ({@link Consistency}) finds the run's orders right, and it can
     * fail: an order the databases never saw is missing, a charge of another amount is wrong.
     */
    private static void benchmarksCheckHoldsAndCatchesWhatIsWrong(ShopProcesses shop, List<String> ids)
            throws SQLException {
        try (Connection orders = shop.database("order-service").connect();
                Connection payments = shop.database("payment-service").connect()) {
            Consistency.Report report = Consistency.check(orders, payments, ids);
            assertThat(report.holds()).as("%s", report).isTrue();
            assertThat(report.acknowledged()).isEqualTo(ids.size());

            List<String> withAStranger = new ArrayList<>(ids);
            withAStranger.add(UUID.randomUUID().toString());
            assertThat(Consistency.check(orders, payments, withAStranger))
                    .isEqualTo(new Consistency.Report(ids.size() + 1, 1, 0, 0));

            String paid;
            try (var statement = orders.createStatement();
                    var rows = statement.executeQuery(
                            "select cast(id as varchar(36)) from orders where status = 'PAID' limit 1")) {
                assertThat(rows.next()).as("a PAID order").isTrue();
                paid = rows.getString(1);
            }
            try (var update = payments.prepareStatement(
                    "update transactions set amount_minor = amount_minor + 1 where cast(order_id as varchar(36)) = ?")) {
                update.setString(1, paid);
                assertThat(update.executeUpdate()).isEqualTo(1);
            }
            Consistency.Report wrong = Consistency.check(orders, payments, ids);
            assertThat(wrong).isEqualTo(new Consistency.Report(ids.size(), 0, 1, 0));
            assertThat(wrong.holds()).isFalse();
            assertThat(Consistency.check(orders, payments, List.of()).holds())
                    .as("no acknowledged order at all is no proof")
                    .isFalse();
        }
    }
}
