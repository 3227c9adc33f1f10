package shop.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import shop.testing.TestDatabase;

/**
 * The services and their PostgreSQL, with a TCP relay of the test's own between them, while
 * clients order throughout: the relay (a) drops every connection, (b) stops passing the bytes of
 * the connections that exist while new ones go through (half-open connections, which no reset
 * ever ends), and (c) cuts the database off for a while, then heals. After each, orders flow again
 * within seconds; no client waits past the gateway's deadline; readiness is down while the database
 * is cut off and up again by itself, liveness up all along; and at the end no acknowledged order is
 * lost or left pending and the money invariants hold.
 */
class DatabaseFaultsSystemTest {

    private static final int CLIENTS = 6;
    /** The gateway's deadline for a service's answer (SHOP_GATEWAY_DOWNSTREAMS_READ_TIMEOUT's default). */
    private static final Duration GATEWAY_DEADLINE = Duration.ofSeconds(5);
    /** The services' database deadline: the statement timeout (2 s) and one second. */
    private static final Duration DATABASE_DEADLINE = Duration.ofSeconds(3);
    /** Slack for a loaded machine's scheduling on top of a deadline. */
    private static final Duration SLACK = Duration.ofSeconds(2);

    private final Map<String, ShopInvariants.Answer> acknowledged = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    /** When each order that was answered 201 PAID had been sent. */
    private final ConcurrentSkipListSet<Instant> paidOrdersSent = new ConcurrentSkipListSet<>();

    private final AtomicLong longestWaitMillis = new AtomicLong();
    private final AtomicInteger retries = new AtomicInteger();
    private final AtomicBoolean ordering = new AtomicBoolean(true);
    private final HttpClient probes =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    @Test
    void ordersFlowAgainAfterEveryDatabaseFaultAndReadinessTellsTheTruth() throws Exception {
        ShopProcesses shop = new ShopProcesses("database-faults");
        TestDatabase orders = shop.database("order-service");
        assertThat(orders.kind())
                .as("this test relays PostgreSQL's connections: it needs a PostgreSQL server (see docs/tests.md)")
                .isEqualTo(TestDatabase.Kind.POSTGRESQL);
        URI server = URI.create(orders.url().substring("jdbc:".length()));
        try (FaultyProxy relay = new FaultyProxy(server.getPort())) {
            for (String service : List.of("order-service", "payment-service")) {
                String url =
                        shop.database(service).url().replace(":" + server.getPort() + "/", ":" + relay.port() + "/");
                shop.withEnv(service, "SHOP_DB_URL", url);
            }
            shop.withEnv("api-gateway", "SHOP_RATE_LIMIT", "0")
                    .withEnv("order-service", "SHOP_ORDERS_RECOVERY_FIRST_DELAY", "3s")
                    .withEnv("order-service", "SHOP_ORDERS_RECOVERY_MAX_BACKOFF", "2s")
                    .start();
            Gateway gateway = new Gateway(shop.gatewayUrl());
            try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < CLIENTS; i++) {
                    clients.submit(() -> placeOrders(gateway));
                }
                try {
                    assertOrdersFlowWithin(Instant.now(), Duration.ofSeconds(10), "before any fault");

                    relay.resetAll();
                    assertOrdersFlowWithin(Instant.now(), SLACK.plusSeconds(1), "after every connection was dropped");

                    Instant stalled = Instant.now();
                    relay.stallOpenConnections();
                    assertOrdersFlowWithin(
                            stalled, DATABASE_DEADLINE.plus(SLACK), "after the open connections went silent");

                    relay.refuse();
                    Map<String, Boolean> downSeen = watchProbesFor(shop, Duration.ofSeconds(8));
                    assertThat(downSeen)
                            .as("readiness is down while the database is cut off")
                            .containsEntry("order-service", true)
                            .containsEntry("payment-service", true);
                    relay.pass();
                    Instant healed = Instant.now();
                    assertOrdersFlowWithin(healed, SLACK.plusSeconds(2), "once the database is back");
                    for (String service : List.of("order-service", "payment-service")) {
                        assertReadyAgainWithin(shop, service, healed, SLACK.plusSeconds(2));
                    }
                } finally {
                    // The clients stop whatever happened: the executor's close waits for them.
                    ordering.set(false);
                }
                clients.shutdown();
                assertThat(clients.awaitTermination(2, TimeUnit.MINUTES))
                        .as("clients finish")
                        .isTrue();
            }
            long pendingLeft = ShopInvariants.awaitNoPendingOrders(gateway, Duration.ofMinutes(2));
            ShopInvariants.Found found = ShopInvariants.check(shop, acknowledged, Set.of(), pendingLeft);
            String report = found.report(
                    "dropped, stalled and cut off database connections; " + relay.resets.get() + " connection resets",
                    retries.get());
            System.out.println(report + "; longest wait of a client " + longestWaitMillis.get() + " ms");
            assertThat(found.violations()).as(report).isEmpty();
            assertThat(unexpected).as("answers no client should get").isEmpty();
            assertThat(Duration.ofMillis(longestWaitMillis.get()))
                    .as("no client waits past the gateway's deadline")
                    .isLessThanOrEqualTo(GATEWAY_DEADLINE.plus(SLACK));
            assertThat(acknowledged).as("the run placed orders").hasSizeGreaterThan(20);
        } finally {
            ordering.set(false);
            shop.stop();
        }
    }

    /** A client: places orders, each with its own key, sending it again with that key until it is answered. */
    private void placeOrders(Gateway gateway) {
        while (ordering.get()) {
            Map<String, String> headers = Map.of(
                    "Content-Type",
                    "application/json",
                    "Idempotency-Key",
                    UUID.randomUUID().toString());
            for (int attempt = 0; attempt < 60 && ordering.get(); attempt++) {
                Instant sent = Instant.now();
                Gateway.Response answer;
                try {
                    answer = gateway.send("POST", "/orders", Gateway.GREGOR, "{\"item\":\"cap\"}", headers);
                } catch (IllegalStateException noAnswer) {
                    answer = null;
                }
                longestWaitMillis.accumulateAndGet(
                        Duration.between(sent, Instant.now()).toMillis(), Math::max);
                if (answer != null && (answer.status() == 201 || answer.status() == 202)) {
                    String id = answer.json().get("id").asText();
                    String status = answer.json().get("status").asText();
                    acknowledged.put(
                            id,
                            new ShopInvariants.Answer(
                                    id,
                                    answer.status(),
                                    status,
                                    answer.json().get("amount").decimalValue(),
                                    true));
                    if ("PAID".equals(status)) {
                        paidOrdersSent.add(sent);
                    }
                    break;
                }
                if (answer != null && answer.status() < 500) {
                    unexpected.add(answer.status() + ": " + answer.raw().body());
                    break;
                }
                retries.incrementAndGet();
                sleep(200);
            }
        }
    }

    /** Some order sent at {@code since} or later is paid within {@code within}. */
    private void assertOrdersFlowWithin(Instant since, Duration within, String when) {
        Instant deadline = since.plus(within);
        while (paidOrdersSent.ceiling(since) == null && Instant.now().isBefore(deadline)) {
            sleep(50);
        }
        Instant first = paidOrdersSent.ceiling(since);
        assertThat(first).as("an order sent %s is paid within %s", when, within).isNotNull();
        System.out.printf(
                "orders flow %s: the first paid one was sent %d ms later%n",
                when, Duration.between(since, first).toMillis());
    }

    /**
     * Polls readiness and liveness of the two services with a database for {@code period}: whether
     * each was seen not ready; liveness must answer 200 all along.
     */
    private Map<String, Boolean> watchProbesFor(ShopProcesses shop, Duration period) {
        Map<String, Boolean> downSeen =
                new ConcurrentHashMap<>(Map.of("order-service", false, "payment-service", false));
        Instant end = Instant.now().plus(period);
        while (Instant.now().isBefore(end)) {
            for (String service : downSeen.keySet()) {
                if (!shop.ready(service)) {
                    downSeen.put(service, true);
                }
                assertThat(probe(shop, service, "/actuator/health/liveness"))
                        .as("%s is alive while its database is cut off", service)
                        .isEqualTo(200);
            }
            sleep(200);
        }
        return downSeen;
    }

    private void assertReadyAgainWithin(ShopProcesses shop, String service, Instant since, Duration within) {
        Instant deadline = since.plus(within);
        while (!shop.ready(service) && Instant.now().isBefore(deadline)) {
            sleep(100);
        }
        assertThat(shop.ready(service))
                .as("%s is ready again by itself within %s of the database's return", service, within)
                .isTrue();
    }

    private int probe(ShopProcesses shop, String service, String path) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + shop.operationsPort(service) + path))
                .timeout(Duration.ofSeconds(2))
                .build();
        try {
            return probes.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
