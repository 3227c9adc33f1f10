package shop.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Hostile input against the public API, through the gateway of the three real services:
 * a table of known attacks and malformed requests, then requests generated at random (the seed
 * is printed; {@code -Dshop.hostile.seed} replays a run). Every answer must be a 4xx problem
 * detail (or a 201/202 for the few that happen to be valid orders) — never a 5xx, never a stack
 * trace, never an echo of script or of the caller's key — and a refused request stores nothing,
 * which is checked in both databases at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputSystemTest {

    private static final String SCRIPT = "<script>alert(1)</script>";
    private static final String[] FIELDS = {
        "item",
        "price",
        "quantity",
        "customer",
        "currency",
        "paymentMethod",
        "__proto__",
        "constructor",
        "item ",
        "ITEM",
        ""
    };
    private static final String[] VALUES = {
        "\"cap\"",
        "\"t-shirt\"",
        "1",
        "0",
        "-1",
        "2147483648",
        "99999999999999999999999999",
        "1e400",
        "-1e-400",
        "1.5",
        "0.001",
        "100.001",
        "-0",
        "null",
        "true",
        "[]",
        "{}",
        "\"" + SCRIPT.replace("\"", "'") + "\"",
        "\"' OR '1'='1\"",
        "\"; DROP TABLE orders; --\"",
        "\"\\u0000\\u001f\\u202e\"",
        "\"\\ud800\"",
        "\"😀🛒\"",
        "\"" + "x".repeat(5000) + "\"",
        "\"4242424242424242\"",
        "\"Gregor\"",
        "\"Alice\"",
        "\"USD\"",
        "\"usd\"",
        "\"tok_<x>\"",
        "[[[[[[[[[[]]]]]]]]]]"
    };

    private ShopProcesses shop;
    private Gateway gateway;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<String> acceptedIds = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        shop = new ShopProcesses("hostile")
                .withEnv("api-gateway", "SHOP_RATE_LIMIT", "0")
                .start();
        gateway = new Gateway(shop.gatewayUrl());
    }

    @AfterAll
    void stop() throws Exception {
        shop.close();
    }

    @TestFactory
    @Order(1)
    Stream<DynamicTest> refusesKnownAttacksAndMalformedRequests() {
        Map<String, Gateway.Response> cases = new java.util.LinkedHashMap<>();
        cases.put("script in item", post("{\"item\":\"" + SCRIPT.replace("\"", "'") + "\"}"));
        cases.put("script as a field name", post("{\"" + SCRIPT + "\":1}"));
        cases.put("script as a bare token", post("{\"item\": scriptalert}"));
        cases.put("SQL in item", post("{\"item\":\"cap' OR 1=1 --\"}"));
        cases.put("SQL in customer", post("{\"item\":\"cap\",\"customer\":\"x'; DROP TABLE orders; --\"}"));
        cases.put("negative quantity", post("{\"item\":\"cap\",\"quantity\":-3}"));
        cases.put("zero quantity", post("{\"item\":\"cap\",\"quantity\":0}"));
        cases.put("overflowing quantity", post("{\"item\":\"cap\",\"quantity\":99999999999999999999}"));
        cases.put("fractional quantity", post("{\"item\":\"cap\",\"quantity\":1.5}"));
        cases.put("quantity as a string", post("{\"item\":\"cap\",\"quantity\":\"2\"}"));
        cases.put("negative price", post("{\"item\":\"cap\",\"price\":-20}"));
        cases.put("zero price", post("{\"item\":\"cap\",\"price\":0}"));
        cases.put("huge price", post("{\"item\":\"cap\",\"price\":1e400}"));
        cases.put("price below a cent", post("{\"item\":\"cap\",\"price\":20.001}"));
        cases.put("duplicate keys", post("{\"item\":\"cap\",\"item\":\"mug\"}"));
        cases.put("deep nesting", post("{\"item\":" + "[".repeat(5000) + "]".repeat(5000) + "}"));
        cases.put("control characters", post("{\"item\":\"cap\\u0000\\u0007\"}"));
        cases.put("unicode customer", post("{\"item\":\"cap\",\"customer\":\"\\u202eGregor\"}"));
        cases.put("truncated JSON", post("{\"item\":\"ca"));
        cases.put("not an object", post("[\"cap\"]"));
        cases.put("null body", post("null"));
        cases.put("empty body", post(""));
        cases.put("another customer", post("{\"item\":\"cap\",\"customer\":\"Alice\"}"));
        cases.put(
                "wrong content type",
                gateway.send(
                        "POST",
                        "/orders",
                        Gateway.GREGOR,
                        "item=cap",
                        Map.of("Content-Type", "application/x-www-form-urlencoded")));
        cases.put(
                "xml",
                gateway.send(
                        "POST",
                        "/orders",
                        Gateway.GREGOR,
                        "<order><item>cap</item></order>",
                        Map.of("Content-Type", "application/xml")));
        cases.put(
                "script in idempotency key",
                gateway.send(
                        "POST",
                        "/orders",
                        Gateway.GREGOR,
                        "{\"item\":\"cap\",\"quantity\":0}",
                        Map.of("Content-Type", "application/json", "Idempotency-Key", "<script>")));
        cases.put(
                "huge idempotency key",
                gateway.send(
                        "POST",
                        "/orders",
                        Gateway.GREGOR,
                        "{\"item\":\"cap\",\"quantity\":0}",
                        Map.of("Content-Type", "application/json", "Idempotency-Key", "k".repeat(300))));
        cases.put("script in path", gateway.get("/orders/%3Cscript%3Ealert(1)%3C%2Fscript%3E", Gateway.GREGOR));
        cases.put("SQL in path", gateway.get("/orders/'%20OR%20'1'='1", Gateway.GREGOR));
        cases.put("path traversal", gateway.get("/orders/..%2F..%2Fetc%2Fpasswd", Gateway.GREGOR));
        cases.put("script in query", gateway.get("/orders?status=%3Cscript%3E", Gateway.GREGOR));
        cases.put("negative page", gateway.get("/orders?page=-1", Gateway.GREGOR));
        cases.put("huge size", gateway.get("/orders?size=99999999999", Gateway.GREGOR));
        cases.put(
                "huge header",
                gateway.send("GET", "/orders", Gateway.GREGOR, null, Map.of("X-Big", "a".repeat(10_000))));
        cases.put("long URL", gateway.get("/orders?x=" + "a".repeat(10_000), Gateway.GREGOR));
        cases.put(
                "wrong method",
                gateway.send("PUT", "/orders", Gateway.GREGOR, "{}", Map.of("Content-Type", "application/json")));
        cases.put("DELETE an order", gateway.send("DELETE", "/orders/1", Gateway.GREGOR, null, Map.of()));
        cases.put(
                "refund someone else's",
                gateway.post("/orders/00000000-0000-0000-0000-000000000000/refund", Gateway.ALICE, null));
        cases.put("no key", gateway.post("/orders", null, "{\"item\":\"cap\"}"));
        cases.put("script as key", gateway.post("/orders", SCRIPT.replace(" ", ""), "{\"item\":\"cap\"}"));
        cases.put("admin call as customer", gateway.get("/transactions", Gateway.GREGOR));
        cases.put("stuck orders as customer", gateway.get("/orders?stuck=true", Gateway.GREGOR));
        return cases.entrySet().stream()
                .map(entry ->
                        DynamicTest.dynamicTest(entry.getKey(), () -> assertRefused(entry.getKey(), entry.getValue())));
    }

    @Test
    @Order(2)
    void refusesRandomHostileRequestsWithProblems() {
        long seed = Long.getLong("shop.hostile.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.println("hostile input: seed " + seed);
        for (int i = 0; i < 300; i++) {
            String body = randomBody(random);
            Gateway.Response response = post(body);
            if (response.status() == 201 || response.status() == 202) {
                accepted.incrementAndGet();
                acceptedIds.add(response.json().get("id").asString());
                continue;
            }
            assertRefused("seed " + seed + ", body " + abbreviate(body), response);
        }
    }

    @Test
    @Order(3)
    void answersRawProtocolAbuseWithProblemsToo() throws Exception {
        for (String request : List.of(
                "GET /orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + Gateway.GREGOR
                        + "\r\nX-Injected: a\rb\r\n\r\n",
                "GET /orders?\u0001 HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /orders/%zz HTTP/1.1\r\nHost: x\r\n\r\n")) {
            String answer = raw(request);
            assertThat(answer)
                    .as(request)
                    .startsWith("HTTP/1.1 4")
                    .contains("application/problem+json")
                    .doesNotContain("<html");
        }
    }

    @Test
    @Order(4)
    void hangsUpOnAClientThatSendsTooSlowly() throws Exception {
        try (Socket socket =
                new Socket("127.0.0.1", Integer.parseInt(shop.gatewayUrl().replaceAll(".*:", "")))) {
            socket.setSoTimeout(15_000);
            socket.getOutputStream()
                    .write("GET /orders HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            long started = System.nanoTime();
            byte[] answer = socket.getInputStream().readAllBytes();
            long waitedSeconds = (System.nanoTime() - started) / 1_000_000_000;
            assertThat(waitedSeconds)
                    .as("the gateway gives up on the unfinished request")
                    .isBetween(3L, 12L);
            assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotContain("HTTP/1.1 2");
        }
    }

    @Test
    @Order(5)
    void storedNothingForARefusedRequest() throws Exception {
        shop.stop();
        try (Connection orders = shop.database("order-service").connect();
                Connection payments = shop.database("payment-service").connect()) {
            assertThat(count(orders, "select count(*) from orders"))
                    .as("orders: one per accepted request")
                    .isEqualTo(accepted.get());
            assertThat(count(orders, "select count(*) from idempotency_keys")).isZero();
            assertThat(count(payments, "select count(*) from transactions where type = 'CHARGE'"))
                    .as("charges: one per accepted order at most")
                    .isLessThanOrEqualTo(accepted.get());
            assertThat(count(payments, "select count(*) from transactions where type = 'REFUND'"))
                    .isZero();
            assertThat(count(orders, "select count(*) from orders where customer <> 'Gregor'"))
                    .isZero();
        }
    }

    private Gateway.Response post(String body) {
        return gateway.post("/orders", Gateway.GREGOR, body);
    }

    private static void assertRefused(String what, Gateway.Response response) {
        assertThat(response.status()).as(what + ": " + response.raw().body()).isBetween(400, 499);
        assertThat(response.contentType()).as(what).startsWith("application/problem+json");
        assertThat(response.json().get("type").asString()).as(what).startsWith("urn:shop:problem:");
        assertThat(response.raw().body())
                .as(what)
                .doesNotContainIgnoringCase("<script")
                .doesNotContain("onerror=")
                .doesNotContain("DROP TABLE")
                .doesNotContain("Exception")
                .doesNotContain("\tat ")
                .doesNotContain(Gateway.GREGOR);
    }

    private static String randomBody(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> "[".repeat(random.nextInt(3000)) + "]".repeat(random.nextInt(3000));
            case 1 -> randomBytes(random);
            case 2 -> {
                String object = randomObject(random);
                yield object.substring(0, random.nextInt(object.length() + 1));
            }
            default -> randomObject(random);
        };
    }

    private static String randomObject(Random random) {
        StringBuilder object = new StringBuilder("{");
        int fields = random.nextInt(7);
        for (int f = 0; f < fields; f++) {
            if (f > 0) {
                object.append(',');
            }
            object.append('"')
                    .append(FIELDS[random.nextInt(FIELDS.length)])
                    .append("\":")
                    .append(VALUES[random.nextInt(VALUES.length)]);
        }
        return object.append('}').toString();
    }

    private static String randomBytes(Random random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(200);
        for (int i = 0; i < length; i++) {
            text.append((char) (1 + random.nextInt(0x2FF)));
        }
        return text.toString();
    }

    private String raw(String request) throws Exception {
        try (Socket socket =
                new Socket("127.0.0.1", Integer.parseInt(shop.gatewayUrl().replaceAll(".*:", "")))) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readNBytes(600), StandardCharsets.ISO_8859_1);
        }
    }

    private static long count(Connection db, String sql) throws Exception {
        try (ResultSet rs = db.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
