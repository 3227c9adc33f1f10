package shop.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import shop.testing.TestTokens;

/**
 * Seeing inside Shop: one trace through the three services (and the recovery job), log lines
 * that carry its id, business metrics that move with their events, no secret in any log, and
 * dashboards and alerts that name only metrics the services expose. The services export their
 * spans over OTLP to a collector of the test's own; payment-service runs with the production
 * defaults, so its logs are JSON.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObservabilitySystemTest {

    /** A span as the collector received it. */
    record ReceivedSpan(String service, String traceId, String name) {}

    private final ConcurrentLinkedQueue<ReceivedSpan> spans = new ConcurrentLinkedQueue<>();
    /** How long the collector takes to answer: a slow one, for the last test. */
    private volatile Duration collectorDelay = Duration.ZERO;

    private HttpServer collector;
    private ShopProcesses shop;
    private Gateway gateway;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            try {
                Thread.sleep(collectorDelay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            var request = ExportTraceServiceRequest.parseFrom(
                    exchange.getRequestBody().readAllBytes());
            request.getResourceSpansList().forEach(resource -> {
                String service = resource.getResource().getAttributesList().stream()
                        .filter(attribute -> attribute.getKey().equals("service.name"))
                        .map(attribute -> attribute.getValue().getStringValue())
                        .findFirst()
                        .orElse("?");
                resource.getScopeSpansList()
                        .forEach(scope -> scope.getSpansList()
                                .forEach(span -> spans.add(new ReceivedSpan(
                                        service,
                                        HexFormat.of()
                                                .formatHex(span.getTraceId().toByteArray()),
                                        span.getName()))));
            });
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        String endpoint = "http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/traces";
        shop = new ShopProcesses("observability")
                .withProfile("payment-service", "production")
                .withEnv("api-gateway", "SHOP_LOG_LEVELS", "shop.gateway.routing=DEBUG");
        for (String service : ShopProcesses.SERVICES) {
            shop.withEnv(service, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", endpoint)
                    // Outside the local profile the published internal keys are refused: each pair has one of its own.
                    .withEnv(service, "SHOP_INTERNAL_AUTH_KEYS", TestTokens.keysOf(service));
        }
        shop.start();
        gateway = new Gateway(shop.gatewayUrl());
    }

    @AfterAll
    void stop() throws Exception {
        shop.close();
        collector.stop(0);
    }

    @Test
    @Order(1)
    void followsOneOrderThroughAllThreeServicesInSpansAndLogs() throws Exception {
        String traceId = newTraceId();
        var placed = placeInTrace(traceId, "{\"item\":\"cap\"}");
        assertThat(placed.status()).isEqualTo(201);

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(servicesWithSpansOf(traceId))
                        .containsExactlyInAnyOrder("api-gateway", "order-service", "payment-service"));
        assertThat(shop.log("api-gateway")).contains(traceId);
        assertThat(shop.log("order-service")).contains(traceId);
        List<JsonNode> paymentLines = jsonLinesWith(shop.log("payment-service"), traceId);
        assertThat(paymentLines)
                .as("payment-service's JSON log lines of this trace")
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line.get("trace.id").asText()).isEqualTo(traceId));
    }

    @Test
    @Order(2)
    void carriesTheTraceIntoTheRecoveryJob() {
        String traceId = newTraceId();
        var placed = placeInTrace(traceId, "{\"item\":\"cap\",\"paymentMethod\":\"4000000000000119\"}");
        assertThat(placed.status()).isEqualTo(202);
        String id = placed.json().get("id").asText();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "PAID"
                        .equals(gateway.get("/orders/" + id, Gateway.GREGOR)
                                .json()
                                .get("status")
                                .asText()));
        // Spans leave each service in batches, every few seconds: wait for both services' batches.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(spans)
                    .anyMatch(span -> span.traceId().equals(traceId)
                            && span.service().equals("order-service")
                            && span.name().equals("order payment retry"));
            assertThat(spans.stream()
                            .filter(s ->
                                    s.traceId().equals(traceId) && s.service().equals("payment-service"))
                            .toList())
                    .as("both charge attempts, in the order's trace")
                    .hasSizeGreaterThanOrEqualTo(2);
        });
    }

    @Test
    @Order(3)
    void movesEachBusinessMetricWithItsEvent() throws Exception {
        double paid = metric("order-service", "shop_orders_placed_total{outcome=\"paid\"");
        double failed = metric("order-service", "shop_orders_placed_total{outcome=\"payment_failed\"");
        double declines = metric(
                "payment-service", "shop_payments_total{outcome=\"declined\",reason=\"card_declined\",type=\"charge\"");
        double refunds = metric("order-service", "shop_orders_refunded_total");
        double refundPayments =
                metric("payment-service", "shop_payments_total{outcome=\"succeeded\",reason=\"none\",type=\"refund\"");

        String id = gateway.post("/orders", Gateway.GREGOR, "{\"item\":\"mug\"}")
                .json()
                .get("id")
                .asText();
        gateway.post("/orders", Gateway.GREGOR, "{\"item\":\"mug\",\"paymentMethod\":\"4000000000000002\"}");
        gateway.post("/orders/" + id + "/refund", Gateway.GREGOR, null);

        assertThat(metric("order-service", "shop_orders_placed_total{outcome=\"paid\""))
                .isEqualTo(paid + 1);
        assertThat(metric("order-service", "shop_orders_placed_total{outcome=\"payment_failed\""))
                .isEqualTo(failed + 1);
        assertThat(metric(
                        "payment-service",
                        "shop_payments_total{outcome=\"declined\",reason=\"card_declined\",type=\"charge\""))
                .isEqualTo(declines + 1);
        assertThat(metric("order-service", "shop_orders_refunded_total")).isEqualTo(refunds + 1);
        assertThat(metric(
                        "payment-service", "shop_payments_total{outcome=\"succeeded\",reason=\"none\",type=\"refund\""))
                .isEqualTo(refundPayments + 1);
        assertThat(metric("order-service", "shop_orders_payment_retries_total{outcome=\"paid\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(scrape("order-service"))
                .contains(
                        "shop_orders_pending ",
                        "shop_orders_amount_sum",
                        "resilience4j_circuitbreaker_state",
                        "db_pool_connections",
                        "jvm_memory_used_bytes");
        assertThat(scrape("api-gateway"))
                .contains("http_client_requests_seconds_count", "http_server_requests_seconds_bucket");
        assertThat(scrape("payment-service")).contains("shop_payments_amount_sum");
    }

    @Test
    @Order(4)
    void keepsLabelValuesBounded() throws Exception {
        for (String service : ShopProcesses.SERVICES) {
            String metrics = scrape(service);
            assertThat(metrics)
                    .as(service)
                    .doesNotContainPattern("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
                    .doesNotContain("Gregor");
        }
    }

    @Test
    @Order(5)
    void writesNoSecretInAnyLog() {
        String card = "4000000000009995";
        gateway.post("/orders", Gateway.GREGOR, "{\"item\":\"cap\",\"paymentMethod\":\"" + card + "\"}");
        gateway.post("/orders", Gateway.GREGOR, "{\"item\":\"cap\",\"paymentMethod\":\"" + card + "\",\"bogus\":1}");
        gateway.get("/orders", "wrong-key-" + UUID.randomUUID());
        for (String service : ShopProcesses.SERVICES) {
            assertThat(shop.log(service))
                    .as(service + "'s log")
                    .doesNotContain(card, "4242424242424242", "4000000000000119", "4000000000000002")
                    .doesNotContain(Gateway.GREGOR, Gateway.ADMIN, Gateway.ALICE, "wrong-key-")
                    .doesNotContainIgnoringCase("bearer ");
        }
    }

    @Test
    @Order(6)
    void shipsDashboardsAndAlertsThatNameOnlyExposedMetrics() throws Exception {
        Set<String> exposed = new TreeSet<>();
        for (String service : ShopProcesses.SERVICES) {
            Matcher names = Pattern.compile("(?m)^([a-z_:][a-z0-9_:]*)[{ ]").matcher(scrape(service));
            while (names.find()) {
                exposed.add(names.group(1));
            }
        }
        var observability = ShopProcesses.ROOT.resolve("k8s/observability");
        String dashboard = Files.readString(observability.resolve("grafana-dashboard-shop.json"));
        String rules = Files.readString(observability.resolve("prometheus-rules.yaml"));
        JsonMapper.builder().build().readTree(dashboard);
        Set<String> named = new TreeSet<>();
        Matcher metric = Pattern.compile("\\b((?:shop|http|jvm|db|resilience4j|process)_[a-z0-9_]+)")
                .matcher(dashboard + rules);
        while (metric.find()) {
            named.add(metric.group(1));
        }
        assertThat(named)
                .as("metrics the dashboard and alerts use")
                .isNotEmpty()
                .isSubsetOf(exposed);
        assertThat(rules)
                .contains(
                        "ShopServiceDown", "ShopHighErrorRate", "ShopPaymentDeclineSpike", "ShopOrdersPendingTooLong");
        assertThat(Files.readString(observability.resolve("servicemonitors.yaml")))
                .contains("/actuator/prometheus", "api-gateway", "order-service", "payment-service");
    }

    @Test
    @Order(7)
    void flushesItsLastSpansAtShutdownWithoutHoldingAnEventLoop() throws Exception {
        collectorDelay = Duration.ofSeconds(4);
        String traceId = newTraceId();
        var placed = placeInTrace(traceId, "{\"item\":\"cap\"}");
        assertThat(placed.status()).isEqualTo(201);

        shop.terminate("payment-service");

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(servicesWithSpansOf(traceId)).contains("payment-service"));
        assertThat(shop.log("payment-service"))
                .as("payment-service's log, stopped while the collector took 4 s to take its last spans")
                .contains("payment-service stopped")
                .doesNotContain("has been blocked");
    }

    /** POST /orders as Gregor, continuing the caller's trace {@code traceId}. */
    private Gateway.Response placeInTrace(String traceId, String body) {
        return gateway.send(
                "POST",
                "/orders",
                Gateway.GREGOR,
                body,
                Map.of("Content-Type", "application/json", "traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"));
    }

    private Set<String> servicesWithSpansOf(String traceId) {
        Set<String> services = new TreeSet<>();
        spans.stream().filter(span -> span.traceId().equals(traceId)).forEach(span -> services.add(span.service()));
        return services;
    }

    private static List<JsonNode> jsonLinesWith(String log, String text) {
        JsonMapper json = JsonMapper.builder().build();
        return log.lines()
                .filter(line -> line.contains(text))
                .map(line -> {
                    try {
                        return json.readTree(line);
                    } catch (JsonProcessingException e) {
                        throw new AssertionError("a log line that is not JSON: " + line, e);
                    }
                })
                .toList();
    }

    private double metric(String service, String prefix) throws Exception {
        return scrape(service)
                .lines()
                .filter(line -> line.startsWith(prefix))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    private String scrape(String service) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + shop.operationsPort(service) + "/actuator/prometheus"))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String newTraceId() {
        return UUID.randomUUID().toString().replace("-", "");
    }
}
