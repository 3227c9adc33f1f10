package shop.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.Operation;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import shop.gateway.FakeService;
import shop.gateway.FakeService.Answer;
import shop.gateway.GatewayUnderTest;

/**
 * Every status code the contract documents, for every call, through the real gateway: those the
 * gateway answers itself (400, 401, 403, 406, 413, 415, 502, 503, 504) and those it relays from the service
 * that owns the call. Each answer is checked against the contract. The gateway lets one web
 * origin call from browsers, so that another origin's 403 shows. 429 is in {@code LimitsIntegrationTest},
 * which runs with a rate limit.
 */
class StatusCodesIntegrationTest {

    private static final String ID = FakeService.ORDER_ID;
    private static final String PENDING_ORDER = FakeService.ORDER
            .replace("\"PAID\",\"success\":true", "\"PENDING\",\"success\":false")
            .replaceAll("\"transaction\":\\{[^}]*}", "\"transaction\":null");

    private static final String TOO_MANY_PARAMETERS = "?" + "a=1&".repeat(1001);

    private static Vertx vertx;
    private static FakeService orderService;
    private static FakeService paymentService;
    private static GatewayUnderTest gateway;

    /** One documented answer: how to get it, and what it is. */
    record Case(
            String operationId,
            int status,
            @Nullable String type,
            @Nullable Answer fromService,
            Function<GatewayUnderTest, HttpRequest.Builder> request) {

        @Override
        public String toString() {
            return operationId + " " + status + (fromService == null ? "" : " (from the service)");
        }
    }

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        orderService = FakeService.start(vertx);
        paymentService = FakeService.start(vertx);
        gateway = GatewayUnderTest.start(Map.of(
                "SHOP_PROFILE", "local",
                "SHOP_RATE_LIMIT", "0",
                "SHOP_GATEWAY_CORS_ALLOWED_ORIGINS", "https://shop.example",
                "SHOP_GATEWAY_DOWNSTREAMS_READ_TIMEOUT", "1s",
                "ORDER_SERVICE_URL", orderService.url(),
                "PAYMENT_SERVICE_URL", paymentService.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        vertx.close().await();
    }

    @AfterEach
    void reset() {
        orderService.answer(null);
        paymentService.answer(null);
    }

    static Stream<Case> cases() {
        Answer serviceBusy = Answer.problem(503, "payment-service-unavailable", Map.of("Retry-After", "1"));
        Answer serviceFailed = Answer.problem(500, "internal-error", Map.of());
        Answer tooSlow = Answer.json(200, FakeService.ORDER).after(Duration.ofSeconds(2));
        return Stream.of(
                        productSetting("setStock", "PUT", "stock", "{\"available\":250}", "{\"available\":-1}"),
                        productSetting("addStock", "POST", "stock/additions", "{\"units\":50}", "{\"units\":0}"),
                        productSetting("setPrice", "PUT", "price", "{\"price\":22.50}", "{\"price\":0}"),
                        Stream.of(
                                // POST /orders
                                new Case("placeOrder", 201, null, null, g -> order(g, "{\"item\":\"cap\"}")),
                                new Case(
                                        "placeOrder",
                                        202,
                                        null,
                                        new Answer(
                                                202,
                                                Map.of("Content-Type", "application/json", "Location", "/orders/" + ID),
                                                PENDING_ORDER,
                                                Duration.ZERO),
                                        g -> order(g, "{\"item\":\"cap\",\"paymentMethod\":\"4000000000000119\"}")),
                                new Case(
                                        "placeOrder",
                                        400,
                                        "invalid-request",
                                        null,
                                        g -> order(g, "{\"item\":\"cap\",\"quantity\":0}")),
                                new Case(
                                        "placeOrder",
                                        400,
                                        "unknown-item",
                                        Answer.problem(400, "unknown-item", Map.of()),
                                        g -> order(g, "{\"item\":\"unicorn\"}")),
                                new Case(
                                        "placeOrder",
                                        401,
                                        "unauthenticated",
                                        null,
                                        g -> g.request("/orders")
                                                .header("Content-Type", "application/json")
                                                .POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"cap\"}"))),
                                new Case(
                                        "placeOrder",
                                        403,
                                        "forbidden",
                                        Answer.problem(403, "forbidden", Map.of()),
                                        g -> order(g, "{\"item\":\"cap\",\"customer\":\"Alice\"}")),
                                new Case(
                                        "placeOrder",
                                        406,
                                        "not-acceptable",
                                        null,
                                        g -> order(g, "{\"item\":\"cap\"}").header("Accept", "application/xml")),
                                new Case(
                                        "placeOrder",
                                        409,
                                        "price-mismatch",
                                        new Answer(
                                                409,
                                                Map.of("Content-Type", "application/problem+json"),
                                                """
                                {"type":"urn:shop:problem:price-mismatch","title":"Conflict","status":409,\
                                "detail":"The price is 100.00 USD","catalogPrice":100.00}""",
                                                Duration.ZERO),
                                        g -> order(g, "{\"item\":\"t-shirt\",\"price\":1}")),
                                new Case(
                                        "placeOrder",
                                        413,
                                        "payload-too-large",
                                        null,
                                        g -> order(g, "{\"item\":\"" + "x".repeat(17_000) + "\"}")),
                                new Case(
                                        "placeOrder",
                                        415,
                                        "unsupported-media-type",
                                        null,
                                        g -> g.request("/orders")
                                                .header("Authorization", "Bearer " + GatewayIntegrationTest.GREGOR)
                                                .header("Content-Type", "text/plain")
                                                .POST(HttpRequest.BodyPublishers.ofString("item=cap"))),
                                new Case(
                                        "placeOrder",
                                        422,
                                        "idempotency-key-reused",
                                        Answer.problem(422, "idempotency-key-reused", Map.of()),
                                        g -> order(g, "{\"item\":\"mug\"}").header("Idempotency-Key", "key-1")),
                                new Case(
                                        "placeOrder",
                                        500,
                                        "internal-error",
                                        serviceFailed,
                                        g -> order(g, "{\"item\":\"cap\"}")),
                                new Case(
                                        "placeOrder",
                                        503,
                                        "payment-service-unavailable",
                                        serviceBusy,
                                        g -> order(g, "{\"item\":\"cap\"}")),
                                new Case(
                                        "placeOrder",
                                        502,
                                        "outcome-unknown",
                                        Answer.hangUp(),
                                        g -> order(g, "{\"item\":\"cap\"}")),
                                new Case(
                                        "placeOrder",
                                        504,
                                        "outcome-unknown",
                                        tooSlow,
                                        g -> order(g, "{\"item\":\"cap\"}")),
                                // GET /orders
                                new Case(
                                        "listOrders",
                                        200,
                                        null,
                                        null,
                                        g -> get(g, "/orders?status=any&page=0&size=10")),
                                new Case("listOrders", 400, "invalid-request", null, g -> get(g, "/orders?size=0")),
                                new Case("listOrders", 401, "unauthenticated", null, g -> g.request("/orders")),
                                new Case(
                                        "listOrders",
                                        403,
                                        "forbidden",
                                        Answer.problem(403, "forbidden", Map.of()),
                                        g -> get(g, "/orders?stuck=true")),
                                new Case(
                                        "listOrders",
                                        406,
                                        "not-acceptable",
                                        null,
                                        g -> get(g, "/orders").header("Accept", "text/csv")),
                                new Case("listOrders", 500, "internal-error", serviceFailed, g -> get(g, "/orders")),
                                new Case(
                                        "listOrders",
                                        503,
                                        "payment-service-unavailable",
                                        serviceBusy,
                                        g -> get(g, "/orders")),
                                // GET /orders/{id}
                                new Case("getOrder", 200, null, null, g -> get(g, "/orders/" + ID)),
                                new Case(
                                        "getOrder",
                                        400,
                                        "invalid-request",
                                        null,
                                        g -> get(g, "/orders/" + ID + TOO_MANY_PARAMETERS)),
                                new Case("getOrder", 401, "unauthenticated", null, g -> g.request("/orders/" + ID)),
                                new Case(
                                        "getOrder",
                                        403,
                                        "forbidden",
                                        null,
                                        g -> get(g, "/orders/" + ID).header("Origin", "https://evil.example")),
                                new Case(
                                        "getOrder",
                                        404,
                                        "order-not-found",
                                        Answer.problem(404, "order-not-found", Map.of()),
                                        g -> get(g, "/orders/not-a-uuid")),
                                new Case(
                                        "getOrder",
                                        406,
                                        "not-acceptable",
                                        null,
                                        g -> get(g, "/orders/" + ID).header("Accept", "application/xml")),
                                new Case(
                                        "getOrder", 500, "internal-error", serviceFailed, g -> get(g, "/orders/" + ID)),
                                new Case(
                                        "getOrder",
                                        503,
                                        "payment-service-unavailable",
                                        serviceBusy,
                                        g -> get(g, "/orders/" + ID)),
                                // POST /orders/{id}/refund
                                new Case("refundOrder", 200, null, null, g -> refund(g, "/orders/" + ID + "/refund")),
                                new Case(
                                        "refundOrder",
                                        400,
                                        "invalid-request",
                                        null,
                                        g -> refund(g, "/orders/" + ID + "/refund" + TOO_MANY_PARAMETERS)),
                                new Case(
                                        "refundOrder",
                                        401,
                                        "unauthenticated",
                                        null,
                                        g -> g.request("/orders/" + ID + "/refund")
                                                .POST(HttpRequest.BodyPublishers.noBody())),
                                new Case(
                                        "refundOrder",
                                        403,
                                        "forbidden",
                                        null,
                                        g -> refund(g, "/orders/" + ID + "/refund")
                                                .header("Origin", "https://evil.example")),
                                new Case(
                                        "refundOrder",
                                        404,
                                        "order-not-found",
                                        Answer.problem(404, "order-not-found", Map.of()),
                                        g -> refund(g, "/orders/" + ID + "/refund")),
                                new Case(
                                        "refundOrder",
                                        406,
                                        "not-acceptable",
                                        null,
                                        g -> refund(g, "/orders/" + ID + "/refund")
                                                .header("Accept", "text/html")),
                                new Case(
                                        "refundOrder",
                                        409,
                                        "order-not-refundable",
                                        Answer.problem(409, "order-not-refundable", Map.of()),
                                        g -> refund(g, "/orders/" + ID + "/refund")),
                                new Case(
                                        "refundOrder",
                                        413,
                                        "payload-too-large",
                                        null,
                                        g -> get(g, "/orders/" + ID + "/refund")
                                                .header("Content-Type", "application/json")
                                                .POST(HttpRequest.BodyPublishers.ofString("{\"lines\":[{\"item\":\""
                                                        + "x".repeat(17_000) + "\",\"quantity\":1}]}"))),
                                new Case(
                                        "refundOrder",
                                        415,
                                        "unsupported-media-type",
                                        null,
                                        g -> get(g, "/orders/" + ID + "/refund")
                                                .header("Content-Type", "text/plain")
                                                .POST(HttpRequest.BodyPublishers.ofString("mug=1"))),
                                new Case(
                                        "refundOrder",
                                        422,
                                        "idempotency-key-reused",
                                        Answer.problem(422, "idempotency-key-reused", Map.of()),
                                        g -> refund(g, "/orders/" + ID + "/refund")
                                                .header("Idempotency-Key", "refund-1")),
                                new Case(
                                        "refundOrder",
                                        500,
                                        "internal-error",
                                        serviceFailed,
                                        g -> refund(g, "/orders/" + ID + "/refund")),
                                new Case(
                                        "refundOrder",
                                        503,
                                        "payment-service-unavailable",
                                        serviceBusy,
                                        g -> refund(g, "/orders/" + ID + "/refund")),
                                new Case(
                                        "refundOrder",
                                        502,
                                        "outcome-unknown",
                                        Answer.hangUp(),
                                        g -> refund(g, "/orders/" + ID + "/refund")),
                                new Case(
                                        "refundOrder",
                                        504,
                                        "outcome-unknown",
                                        tooSlow,
                                        g -> refund(g, "/orders/" + ID + "/refund")),
                                // GET /transactions
                                new Case(
                                        "listTransactions",
                                        200,
                                        null,
                                        null,
                                        g -> admin(g, "/transactions?orderId=" + ID)),
                                new Case(
                                        "listTransactions",
                                        400,
                                        "invalid-request",
                                        null,
                                        g -> admin(g, "/transactions?orderId=42")),
                                new Case(
                                        "listTransactions",
                                        401,
                                        "unauthenticated",
                                        null,
                                        g -> g.request("/transactions")),
                                new Case("listTransactions", 403, "forbidden", null, g -> get(g, "/transactions")),
                                new Case(
                                        "listTransactions",
                                        406,
                                        "not-acceptable",
                                        null,
                                        g -> admin(g, "/transactions").header("Accept", "application/xml")),
                                new Case(
                                        "listTransactions",
                                        500,
                                        "internal-error",
                                        serviceFailed,
                                        g -> admin(g, "/transactions")),
                                new Case(
                                        "listTransactions",
                                        503,
                                        "service-unavailable",
                                        Answer.problem(503, "service-unavailable", Map.of("Retry-After", "1")),
                                        g -> admin(g, "/transactions")),
                                // GET /admin/summary
                                new Case("getSummary", 200, null, null, g -> admin(g, "/admin/summary")),
                                new Case(
                                        "getSummary",
                                        400,
                                        "invalid-request",
                                        null,
                                        g -> admin(g, "/admin/summary" + TOO_MANY_PARAMETERS)),
                                new Case("getSummary", 401, "unauthenticated", null, g -> g.request("/admin/summary")),
                                new Case("getSummary", 403, "forbidden", null, g -> get(g, "/admin/summary")),
                                new Case(
                                        "getSummary",
                                        406,
                                        "not-acceptable",
                                        null,
                                        g -> admin(g, "/admin/summary").header("Accept", "application/xml")),
                                new Case(
                                        "getSummary",
                                        500,
                                        "internal-error",
                                        serviceFailed,
                                        g -> admin(g, "/admin/summary")),
                                new Case(
                                        "getSummary",
                                        503,
                                        "service-unavailable",
                                        Answer.problem(503, "service-unavailable", Map.of("Retry-After", "1")),
                                        g -> admin(g, "/admin/summary")),
                                // GET /products
                                new Case("listProducts", 200, null, null, g -> g.request("/products")),
                                new Case(
                                        "listProducts",
                                        400,
                                        "invalid-request",
                                        null,
                                        g -> g.request("/products" + TOO_MANY_PARAMETERS)),
                                new Case(
                                        "listProducts",
                                        403,
                                        "forbidden",
                                        null,
                                        g -> g.request("/products").header("Origin", "https://evil.example")),
                                new Case(
                                        "listProducts",
                                        406,
                                        "not-acceptable",
                                        null,
                                        g -> g.request("/products").header("Accept", "application/xml")),
                                new Case(
                                        "listProducts",
                                        500,
                                        "internal-error",
                                        serviceFailed,
                                        g -> g.request("/products")),
                                new Case(
                                        "listProducts",
                                        503,
                                        "service-unavailable",
                                        Answer.problem(503, "service-unavailable", Map.of("Retry-After", "1")),
                                        g -> g.request("/products"))))
                .flatMap(Function.identity());
    }

    /**
     * The documented answers of an admin's {@code PUT} of a product's setting: {@code good} is
     * taken, {@code bad} refused at the door.
     */
    private static Stream<Case> productSetting(
            String operationId, String method, String setting, String good, String bad) {
        Answer serviceFailed = Answer.problem(500, "internal-error", Map.of());
        String path = "/products/cap/" + setting;
        return Stream.of(
                new Case(operationId, 200, null, null, g -> write(g, method, path, GatewayIntegrationTest.ADMIN, good)),
                new Case(
                        operationId,
                        400,
                        "invalid-request",
                        null,
                        g -> write(g, method, path, GatewayIntegrationTest.ADMIN, bad)),
                new Case(
                        operationId,
                        401,
                        "unauthenticated",
                        null,
                        g -> g.request(path)
                                .header("Content-Type", "application/json")
                                .method(method, HttpRequest.BodyPublishers.ofString(good))),
                new Case(
                        operationId,
                        403,
                        "forbidden",
                        null,
                        g -> write(g, method, path, GatewayIntegrationTest.GREGOR, good)),
                new Case(
                        operationId,
                        404,
                        "product-not-found",
                        Answer.problem(404, "product-not-found", Map.of()),
                        g -> write(g, method, path, GatewayIntegrationTest.ADMIN, good)),
                new Case(
                        operationId,
                        406,
                        "not-acceptable",
                        null,
                        g -> write(g, method, path, GatewayIntegrationTest.ADMIN, good)
                                .header("Accept", "application/xml")),
                new Case(
                        operationId,
                        413,
                        "payload-too-large",
                        null,
                        g -> write(
                                g,
                                method,
                                path,
                                GatewayIntegrationTest.ADMIN,
                                "{\"x\":\"" + "1".repeat(17_000) + "\"}")),
                new Case(
                        operationId,
                        415,
                        "unsupported-media-type",
                        null,
                        g -> g.request(path)
                                .header("Authorization", "Bearer " + GatewayIntegrationTest.ADMIN)
                                .header("Content-Type", "text/plain")
                                .method(method, HttpRequest.BodyPublishers.ofString("units=1"))),
                new Case(
                        operationId,
                        500,
                        "internal-error",
                        serviceFailed,
                        g -> write(g, method, path, GatewayIntegrationTest.ADMIN, good)),
                new Case(
                        operationId,
                        503,
                        "database-unavailable",
                        Answer.problem(503, "database-unavailable", Map.of("Retry-After", "1")),
                        g -> write(g, method, path, GatewayIntegrationTest.ADMIN, good)),
                new Case(
                        operationId,
                        504,
                        "outcome-unknown",
                        Answer.problem(504, "outcome-unknown", Map.of()),
                        g -> write(g, method, path, GatewayIntegrationTest.ADMIN, good)));
    }

    private static HttpRequest.Builder write(
            GatewayUnderTest gateway, String method, String path, String key, String json) {
        return gateway.request(path)
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersEachDocumentedStatus(Case documented) {
        FakeService owner = documented.operationId().equals("listTransactions") ? paymentService : orderService;
        owner.answer(documented.fromService());
        HttpResponse<String> response = gateway.send(documented.request().apply(gateway));
        assertThat(response.statusCode()).isEqualTo(documented.status());
        if (documented.type() != null) {
            assertThat(new JsonObject(response.body()).getString("type"))
                    .isEqualTo("urn:shop:problem:" + documented.type());
        }
    }

    @Test
    void coversEveryStatusTheContractDocumentsButTheRateLimit() {
        Set<String> documented = new TreeSet<>();
        for (Operation operation : GatewayUnderTest.contract().contract().operations()) {
            operation.getOpenAPIModel().getJsonObject("responses").fieldNames().stream()
                    .filter(status -> status.matches("\\d{3}") && !status.equals("429"))
                    .forEach(status -> documented.add(operation.getOperationId() + " " + status));
        }
        Set<String> tested =
                cases().map(c -> c.operationId() + " " + c.status()).collect(Collectors.toCollection(TreeSet::new));
        assertThat(tested).isEqualTo(documented);
    }

    private static HttpRequest.Builder order(GatewayUnderTest gateway, String json) {
        return gateway.request("/orders")
                .header("Authorization", "Bearer " + GatewayIntegrationTest.GREGOR)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    private static HttpRequest.Builder get(GatewayUnderTest gateway, String path) {
        return gateway.request(path).header("Authorization", "Bearer " + GatewayIntegrationTest.GREGOR);
    }

    private static HttpRequest.Builder admin(GatewayUnderTest gateway, String path) {
        return gateway.request(path).header("Authorization", "Bearer " + GatewayIntegrationTest.ADMIN);
    }

    private static HttpRequest.Builder refund(GatewayUnderTest gateway, String path) {
        return get(gateway, path).POST(HttpRequest.BodyPublishers.noBody());
    }
}
