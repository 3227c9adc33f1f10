package shop.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import shop.testing.TestDatabase;

/**
 * Two replicas of every service on one database per service, each service behind a balancer that
 * takes a replica in only while it is ready (HAProxy, in the role of a Kubernetes Service): the
 * gateways call order-service and payment-service through theirs, order-service calls
 * payment-service through its, and the clients reach the gateways through theirs. While clients
 * place orders with idempotency keys and retry as real clients do, every replica, gateways
 * included, is killed ({@code kill -9}) and started again, one at a time. Then the saga's
 * invariants are checked against both databases and every answer the clients got, and every
 * replica must have served requests of its own. It prints its random seed ({@code
 * shop.replicas.seed} replays the choices made with it: the clients' orders and the order of kills).
 *
 * <p>Needs HAProxy ({@code apt-get install haproxy}; {@code .ci/run} installs it): with
 * {@code CI=true} the test fails without it, elsewhere it is skipped.
 */
class ReplicasSystemTest {

    private static final int CLIENTS = 8;

    @Test
    void keepsEveryPromiseWhileReplicasOfEveryServiceAreKilledBehindTheirBalancers() throws Exception {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            assertThat(Balancers.installed())
                    .as("HAProxy at %s (apt-get install haproxy; .ci/run does)", Balancers.HAPROXY)
                    .isTrue();
        }
        assumeTrue(Balancers.installed(), "HAProxy is not at " + Balancers.HAPROXY + ": apt-get install haproxy");
        long seed = Long.getLong("shop.replicas.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.printf("replicas: seed %d%n", seed);

        ShopProcesses shop = new ShopProcesses("replicas");
        assumeTrue(
                shop.database("order-service").kind() == TestDatabase.Kind.POSTGRESQL,
                "replicas share a PostgreSQL database (an H2 file is one process's); none answers here");
        for (String service : ShopProcesses.SERVICES) {
            shop.withReplica(service, service + "-2");
        }
        List<String> replicas = ShopProcesses.SERVICES.stream()
                .flatMap(service -> shop.replicas(service).stream())
                .toList();
        Path dir = Files.createTempDirectory("shop-balancers");
        AtomicBoolean killing = new AtomicBoolean(true);
        try (Balancers balancers = Balancers.start(shop, dir)) {
            shop.withEnv("api-gateway", "ORDER_SERVICE_URL", balancers.url("order-service"))
                    .withEnv("api-gateway", "PAYMENT_SERVICE_URL", balancers.url("payment-service"))
                    .withEnv("order-service", "PAYMENT_SERVICE_URL", balancers.url("payment-service"))
                    .withEnv("api-gateway", "SHOP_RATE_LIMIT", "0")
                    .withEnv("order-service", "SHOP_ORDERS_RECOVERY_FIRST_DELAY", "3s")
                    .withEnv("order-service", "SHOP_ORDERS_RECOVERY_MAX_BACKOFF", "2s")
                    .withEnv("order-service", "SHOP_ORDERS_PAYMENTS_BREAKER_OPEN_FOR", "1s")
                    .start();
            balancers.await(Balancers.Check.UP, replicas, Duration.ofSeconds(30));
            Gateway gateway = new Gateway(balancers.url("api-gateway"));

            // Requests each replica served, summed over its lives: its counts are read before it is killed.
            Map<String, Long> served = new LinkedHashMap<>();
            RetryingClients clients = new RetryingClients().start(CLIENTS, gateway, random, killing::get);
            RetryingClients.sleep(2000);
            List<String> victims = new ArrayList<>(replicas);
            Collections.shuffle(victims, random);
            for (String victim : victims) {
                served.merge(victim, requestsServed(shop.metrics(victim)), Long::sum);
                shop.kill(victim);
                balancers.await(Balancers.Check.DOWN, List.of(victim), Duration.ofSeconds(10));
                RetryingClients.sleep(random.nextInt(1000));
                shop.restart(victim);
                balancers.await(Balancers.Check.UP, List.of(victim), Duration.ofSeconds(30));
                RetryingClients.sleep(1000 + random.nextInt(1000));
            }
            killing.set(false);
            clients.await(Duration.ofMinutes(3));
            long pendingLeft = ShopInvariants.awaitNoPendingOrders(gateway, Duration.ofMinutes(2));
            for (String replica : replicas) {
                served.merge(replica, requestsServed(shop.metrics(replica)), Long::sum);
            }
            shop.stop();

            ShopInvariants.Found found =
                    ShopInvariants.check(shop, clients.acknowledged, clients.refundsAcknowledged, pendingLeft);
            String report = found.report("kill -9 and restart of " + victims, clients.retries.get())
                    + "\nrequests served per replica: " + served;
            System.out.println(report);
            assertThat(clients.unexpected).as("answers no client should get").isEmpty();
            assertThat(clients.gaveUp).as("requests that never got an answer").hasValue(0);
            assertThat(found.violations()).as(report).isEmpty();
            assertThat(ShopInvariants.ordersWithoutTheirKey(shop))
                    .as("orders without the idempotency key that placed them (a retry's second order)")
                    .isZero();
            assertThat(clients.acknowledged).as("the run placed orders").hasSizeGreaterThan(50);
            assertThat(served)
                    .as("every replica served requests of its own (the balancers spread the work)")
                    .containsOnlyKeys(replicas)
                    .allSatisfy((replica, requests) ->
                            assertThat(requests).as(replica).isPositive());
        } finally {
            killing.set(false);
            shop.stop();
        }
    }

    /** The requests a replica answered since it started, by its own count, its probes and scrapes left out. */
    private static long requestsServed(String metrics) {
        return metrics.lines()
                .filter(line -> line.startsWith("http_server_requests_seconds_count{"))
                .filter(line -> !line.contains("uri=\"/actuator"))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
