package shop.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
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
import shop.defaults.Caller;
import shop.defaults.InternalKeys;
import shop.defaults.InternalTokens;
import shop.defaults.Role;

/**
 * Hostile input against the public API, through the gateway of the three real services (with an
 * OIDC issuer of the test's own, {@link JwtIssuer}, beside the demo keys): a table of known
 * attacks and malformed requests sent as a client library would (injection, path traversal and
 * encoded slashes, Unicode look-alikes, JSON nesting and number bombs), a table of what no client
 * library sends, written byte for byte on a socket (request smuggling, header injection, broken
 * framing, overlong UTF-8), a table of forged and oversized tokens (JWT attacks), slow-loris
 * heads and bodies, then requests generated at random (the seed is printed;
 * {@code -Dshop.hostile.seed} replays a run). Every answer must be a 4xx problem detail (or a
 * 201/202 for the few random ones that happen to be valid orders) — never a 5xx, never a stack
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

    /** A card number, sent in every form a payment method must not carry it: never stored, never logged. */
    private static final String CARD = "4111111111111111";

    private JwtIssuer issuer;
    private ShopProcesses shop;
    private Gateway gateway;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger acceptedKeys = new AtomicInteger();
    private final List<String> acceptedIds = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        issuer = JwtIssuer.start();
        // No rate limit and no limit of failed authentications: every case must reach the check it is about.
        shop = new ShopProcesses("hostile")
                .withEnv("api-gateway", "SHOP_RATE_LIMIT", "0")
                .withEnv("api-gateway", "SHOP_AUTH_FAILURE_LIMIT", "0")
                .withEnv("api-gateway", "SHOP_GATEWAY_OIDC_ISSUER", issuer.url())
                .withEnv("api-gateway", "SHOP_GATEWAY_OIDC_AUDIENCE", JwtIssuer.AUDIENCE)
                .start();
        gateway = new Gateway(shop.gatewayUrl());
    }

    @AfterAll
    void stop() throws Exception {
        shop.close();
        issuer.close();
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

        // Path traversal and encoded slashes: never another route (GET /transactions is admins' only).
        cases.put("dot segments to an admin route", gateway.get("/orders/%2e%2e/transactions", Gateway.GREGOR));
        cases.put("encoded slash traversal", gateway.get("/orders/..%2Ftransactions", Gateway.GREGOR));
        cases.put("encoded slashes in an id", gateway.get("/orders/a%2Fb%2Fc", Gateway.GREGOR));
        cases.put("double-encoded traversal", gateway.get("/orders/%252e%252e%252ftransactions", Gateway.GREGOR));
        cases.put("backslash traversal", gateway.get("/orders/..%5C..%5Ctransactions", Gateway.GREGOR));
        cases.put("traversal in a refund", gateway.post("/orders/..%2F..%2Ftransactions/refund", Gateway.GREGOR, null));
        cases.put("NUL in an id", gateway.get("/orders/abc%00", Gateway.GREGOR));
        cases.put("overlong UTF-8 dot-dot-slash in an id", gateway.get("/orders/%C0%AE%C0%AE%C0%AF", Gateway.GREGOR));
        cases.put("invalid UTF-8 in an id", gateway.get("/orders/%FF%FE", Gateway.GREGOR));
        cases.put(
                "fullwidth solidus in an id", gateway.get("/orders/%EF%BC%8F..%EF%BC%8Ftransactions", Gateway.GREGOR));
        cases.put("one-dot leaders for dots", gateway.get("/orders/%E2%80%A4%E2%80%A4%2Ftransactions", Gateway.GREGOR));
        cases.put("traversal in a query", gateway.get("/orders?status=..%2F..%2FPAID", Gateway.GREGOR));

        // Unicode look-alikes in ids, names and values.
        cases.put(
                "Cyrillic letter in an order id",
                gateway.get("/orders/6f1c2b1e-2f0a-4c57-9d43-5b8f1e0a9c1%D1%96", Gateway.GREGOR));
        cases.put(
                "fullwidth digit in an order id",
                gateway.get("/orders/%EF%BC%96f1c2b1e-2f0a-4c57-9d43-5b8f1e0a9c11", Gateway.GREGOR));
        cases.put("Cyrillic look-alike customer", post("{\"item\":\"cap\",\"customer\":\"Gr\u0435gor\"}"));
        cases.put("zero-width joiner in customer", post("{\"item\":\"cap\",\"customer\":\"Gre\u200dgor\"}"));
        cases.put("customer differing in case", post("{\"item\":\"cap\",\"customer\":\"GREGOR\"}"));
        cases.put("look-alike item", post("{\"item\":\"c\u0430p\"}"));
        cases.put("non-breaking hyphen in item", post("{\"item\":\"t\u2011shirt\"}"));
        cases.put("fullwidth item", post("{\"item\":\"\uff43\uff41\uff50\"}"));
        cases.put("fullwidth digit as quantity", post("{\"item\":\"cap\",\"quantity\":\"\uff12\"}"));
        cases.put("look-alike currency", post("{\"item\":\"cap\",\"currency\":\"U\u0405D\"}"));
        cases.put("look-alike field name", post("{\"\u0456tem\":\"cap\"}"));

        // JSON nesting and number bombs.
        cases.put(
                "objects nested 2,500 deep",
                post("{\"item\":" + "{\"a\":".repeat(2_500) + "1" + "}".repeat(2_500) + "}"));
        cases.put(
                "arrays nested 7,000 deep in a number's place",
                post("{\"item\":\"cap\",\"quantity\":" + "[".repeat(7_000) + "]".repeat(7_000) + "}"));
        cases.put("nesting past the body limit", post("[".repeat(20_000)));
        cases.put("a quantity of 10,000 digits", post("{\"item\":\"cap\",\"quantity\":" + "9".repeat(10_000) + "}"));
        cases.put(
                "a price of 10,000 digits",
                post("{\"item\":\"cap\",\"price\":" + "1".repeat(5_000) + "." + "1".repeat(5_000) + "}"));
        cases.put("an exponent of a billion", post("{\"item\":\"cap\",\"price\":1e1000000000}"));
        cases.put("a negative exponent of a billion", post("{\"item\":\"cap\",\"price\":1e-1000000000}"));
        cases.put("NaN price", post("{\"item\":\"cap\",\"price\":NaN}"));
        cases.put("Infinity quantity", post("{\"item\":\"cap\",\"quantity\":Infinity}"));
        cases.put("hexadecimal quantity", post("{\"item\":\"cap\",\"quantity\":0x10}"));
        cases.put("leading zeros", post("{\"item\":\"cap\",\"quantity\":007}"));
        cases.put("quantity as an exponent", post("{\"item\":\"cap\",\"quantity\":1e2}"));
        cases.put("1,200 unknown fields", post(fields(1_200)));
        cases.put("a string of 15,000 characters", post("{\"item\":\"" + "x".repeat(15_000) + "\"}"));
        cases.put("a comment in JSON", post("{\"item\":\"cap\" /* , \"quantity\":0 */}"));
        cases.put("single-quoted JSON", post("{'item':'cap','quantity':0}"));
        cases.put("trailing comma", post("{\"item\":\"cap\",}"));
        cases.put("two JSON documents", post("{\"item\":\"cap\"}{\"item\":\"mug\"}"));

        // Credentials in forms the gateway does not take.
        cases.put(
                "Bearer without a token",
                gateway.send("GET", "/orders", null, null, Map.of("Authorization", "Bearer")));
        cases.put(
                "Basic credentials",
                gateway.send("GET", "/orders", null, null, Map.of("Authorization", "Basic Z3JlZ29yOmtleQ==")));
        cases.put(
                "a key with padding inside",
                gateway.send("GET", "/orders", null, null, Map.of("Authorization", "Bearer local-gregor-key x")));
        // Idempotency keys outside the contract, on an order that is otherwise good.
        cases.put(
                "an idempotency key of 256 characters",
                gateway.send(
                        "POST",
                        "/orders",
                        Gateway.GREGOR,
                        "{\"item\":\"cap\"}",
                        Map.of("Content-Type", "application/json", "Idempotency-Key", "k".repeat(256))));
        cases.put(
                "an empty idempotency key",
                gateway.send(
                        "POST",
                        "/orders",
                        Gateway.GREGOR,
                        "{\"item\":\"cap\"}",
                        Map.of("Content-Type", "application/json", "Idempotency-Key", "")));

        // A card number where a token belongs, or in a form a card number is not taken in.
        for (String method : List.of(
                "tok_" + CARD,
                "tok_x" + CARD + "y",
                "tok_4111_1111_1111_1111",
                "tok_99" + CARD + "99",
                "4111 1111 1111 1111",
                "4111-1111-1111-1111")) {
            cases.put(
                    "a payment method holding a card number: " + method.replace(CARD, "<card>"),
                    post("{\"item\":\"cap\",\"paymentMethod\":\"" + method + "\"}"));
        }

        // A good order in a form the API does not read.
        cases.put(
                "a charset other than UTF-8",
                gateway.send(
                        "POST",
                        "/orders",
                        Gateway.GREGOR,
                        "{\"item\":\"cap\"}",
                        Map.of("Content-Type", "application/json; charset=utf-16")));
        cases.put(
                "Content-Encoding gzip on a plain body",
                gateway.send(
                        "POST",
                        "/orders",
                        Gateway.GREGOR,
                        "{\"item\":\"cap\"}",
                        Map.of("Content-Type", "application/json", "Content-Encoding", "gzip")));
        cases.put(
                "response splitting in an idempotency key",
                gateway.send(
                        "POST",
                        "/orders",
                        Gateway.GREGOR,
                        "{\"item\":\"cap\",\"quantity\":0}",
                        Map.of("Content-Type", "application/json", "Idempotency-Key", "a%0d%0aSet-Cookie:%20x=1")));
        return cases.entrySet().stream()
                .map(entry -> DynamicTest.dynamicTest(entry.getKey(), () -> {
                    assertRefused(entry.getKey(), entry.getValue());
                    assertThat(entry.getValue().raw().body()).as(entry.getKey()).doesNotContain("4111");
                }));
    }

    // Defect: keys the contract allows were refused, read as JSON ({"a":1} an object, a"b undecodable, a\b a
    // backspace).

    @Test
    @Order(1)
    void acceptsEveryIdempotencyKeyTheContractAllows() {
        for (String key :
                List.of("{\"a\":1}", "a\"b", "a\\b", "a key with spaces", "123", "null", "[1]", "~!@#$%^&*()")) {
            Gateway.Response placed = gateway.send(
                    "POST",
                    "/orders",
                    Gateway.GREGOR,
                    "{\"item\":\"cap\"}",
                    Map.of("Content-Type", "application/json", "Idempotency-Key", key));
            assertThat(placed.status()).as(key + ": " + placed.raw().body()).isEqualTo(201);
            accepted.incrementAndGet();
            acceptedKeys.incrementAndGet();
            acceptedIds.add(placed.json().get("id").asText());
            Gateway.Response replayed = gateway.send(
                    "POST",
                    "/orders",
                    Gateway.GREGOR,
                    "{\"item\":\"cap\"}",
                    Map.of("Content-Type", "application/json", "Idempotency-Key", key));
            assertThat(replayed.header("Idempotent-Replayed")).as(key).isEqualTo("true");
            assertThat(replayed.json().get("id").asText())
                    .as(key)
                    .isEqualTo(placed.json().get("id").asText());
        }
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
                acceptedIds.add(response.json().get("id").asText());
                continue;
            }
            assertRefused("seed " + seed + ", body " + abbreviate(body), response);
        }
    }

    @TestFactory
    @Order(3)
    Stream<DynamicTest> refusesWhatNoClientLibrarySends() {
        String gregor = "Authorization: Bearer " + Gateway.GREGOR + "\r\n";
        String json = "Content-Type: application/json\r\n";
        String order = "{\"item\":\"cap\"}";
        String refusedOrder = "{\"item\":\"cap\",\"quantity\":0}";
        // Stored if anything ever took it for a request of its own.
        String smuggled = "POST /orders HTTP/1.1\r\nHost: x\r\n" + gregor + json + "Content-Length: " + order.length()
                + "\r\n\r\n" + order;
        String chunked = Integer.toHexString(refusedOrder.length()) + "\r\n" + refusedOrder + "\r\n0\r\n\r\n";
        String postHead = "POST /orders HTTP/1.1\r\nHost: x\r\n" + gregor + json;
        Map<String, byte[]> cases = new java.util.LinkedHashMap<>();
        // Request smuggling: two framings of one body, and framings that are not one.
        cases.put(
                "Content-Length beside Transfer-Encoding",
                latin1(postHead + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked + smuggled));
        cases.put(
                "Transfer-Encoding before Content-Length",
                latin1(postHead + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n" + chunked + smuggled));
        cases.put(
                "a chunked order",
                latin1(postHead + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(order.length()) + "\r\n"
                        + order + "\r\n0\r\n\r\n"));
        cases.put(
                "two equal Content-Lengths",
                latin1(postHead + "Content-Length: 14\r\nContent-Length: 14\r\n\r\n" + order));
        cases.put(
                "two different Content-Lengths",
                latin1(postHead + "Content-Length: 14\r\nContent-Length: 4\r\n\r\n" + order + smuggled));
        cases.put("Content-Length as a list", latin1(postHead + "Content-Length: 14, 14\r\n\r\n" + order));
        cases.put("negative Content-Length", latin1(postHead + "Content-Length: -1\r\n\r\n" + order));
        cases.put("Content-Length not a number", latin1(postHead + "Content-Length: abc\r\n\r\n" + order));
        cases.put(
                "Content-Length past any long",
                latin1(postHead + "Content-Length: 99999999999999999999999\r\n\r\n" + order));
        cases.put("Content-Length with a plus sign", latin1(postHead + "Content-Length: +14\r\n\r\n" + order));
        cases.put(
                "Transfer-Encoding chunked, identity",
                latin1(postHead + "Transfer-Encoding: chunked, identity\r\n\r\n" + chunked + smuggled));
        cases.put(
                "Transfer-Encoding xchunked",
                latin1(postHead + "Transfer-Encoding: xchunked\r\nContent-Length: 14\r\n\r\n" + order));
        cases.put(
                "a space before the colon",
                latin1(postHead + "Transfer-Encoding : chunked\r\nContent-Length: 4\r\n\r\n" + chunked + smuggled));
        cases.put(
                "a vertical tab before chunked",
                latin1(postHead + "Transfer-Encoding: \u000bchunked\r\nContent-Length: 4\r\n\r\n" + chunked));
        cases.put(
                "a chunk size that is not hexadecimal",
                latin1(postHead + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + order + "\r\n0\r\n\r\n"));
        cases.put(
                "a chunk size past any long",
                latin1(postHead + "Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFFFF\r\n" + order));
        cases.put(
                "a chunk size that is not hexadecimal, on a path with no route",
                latin1("POST /nowhere HTTP/1.1\r\nHost: x\r\n" + gregor + json
                        + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + order + "\r\n0\r\n\r\n"));
        cases.put(
                "a chunk size past any long, on a path with no route",
                latin1("POST /nowhere HTTP/1.1\r\nHost: x\r\n" + gregor + json
                        + "Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFFFF\r\n" + order));
        cases.put(
                "HTTP/1.0 with Transfer-Encoding",
                latin1("POST /orders HTTP/1.0\r\nHost: x\r\n" + gregor + json + "Transfer-Encoding: chunked\r\n\r\n"
                        + chunked));

        // Header injection and malformed header lines.
        cases.put(
                "a bare CR in a header value",
                latin1("GET /orders HTTP/1.1\r\nHost: x\r\n" + gregor + "X-Injected: a\rb\r\n\r\n"));
        cases.put(
                "a bare LF injecting an admin key",
                latin1("GET /transactions HTTP/1.1\r\nHost: x\r\n" + gregor
                        + "X-Injected: a\nAuthorization: Bearer local-admin-key\r\n\r\n"));
        cases.put(
                "a NUL in a header value",
                latin1("GET /orders HTTP/1.1\r\nHost: x\r\n" + gregor + "X-Injected: a\u0000b\r\n\r\n"));
        cases.put(
                "a header name with a space",
                latin1("GET /orders HTTP/1.1\r\nHost: x\r\n" + gregor + "Bad Header: x\r\n\r\n"));
        cases.put(
                "a header line without a colon",
                latin1("GET /orders HTTP/1.1\r\nHost: x\r\n" + gregor + "NoColonHere\r\n\r\n"));
        cases.put(
                "a folded line hiding a second Authorization",
                latin1("GET /transactions HTTP/1.1\r\nHost: x\r\n" + gregor
                        + "X-Note: a\r\n Authorization: Bearer local-admin-key\r\n\r\n"));
        cases.put(
                "a next-line character in an idempotency key",
                bytes(
                        latin1(postHead + "Idempotency-Key: a"),
                        new byte[] {(byte) 0xC2, (byte) 0x85},
                        latin1("b\r\n" + "Content-Length: " + order.length() + "\r\n\r\n" + order)));
        cases.put(
                "a key with a Cyrillic look-alike letter",
                bytes(
                        latin1("GET /orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer local-gregor-k"),
                        "\u0435".getBytes(StandardCharsets.UTF_8),
                        latin1("y\r\n\r\n")));
        cases.put(
                "a key with an overlong UTF-8 letter",
                bytes(
                        latin1("GET /orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer local-gregor-k"),
                        new byte[] {(byte) 0xC1, (byte) 0xA5},
                        latin1("y\r\n\r\n")));
        cases.put(
                "an idempotency key with a look-alike letter",
                bytes(
                        latin1(postHead + "Idempotency-Key: k"),
                        "\u0435y-1".getBytes(StandardCharsets.UTF_8),
                        latin1("\r\nContent-Length: " + order.length() + "\r\n\r\n" + order)));
        cases.put("overlong UTF-8 in the body", body(postHead, new byte[] {
            '{', '"', 'i', 't', 'e', 'm', '"', ':', '"', 'c', (byte) 0xC1, (byte) 0xA1, 'p', '"', '}'
        }));
        cases.put("invalid UTF-8 in the body", body(postHead, new byte[] {
            '{', '"', 'i', 't', 'e', 'm', '"', ':', '"', (byte) 0x80, (byte) 0x80, '"', '}'
        }));
        // A good order in another encoding than UTF-8, or content-coded.
        cases.put("a UTF-16 body with its byte order mark", body(postHead, order.getBytes(StandardCharsets.UTF_16)));
        cases.put("a UTF-16LE body", body(postHead, order.getBytes(StandardCharsets.UTF_16LE)));
        cases.put("a UTF-16BE body", body(postHead, order.getBytes(StandardCharsets.UTF_16BE)));
        cases.put("a UTF-32LE body", body(postHead, order.getBytes(java.nio.charset.Charset.forName("UTF-32LE"))));
        cases.put("a UTF-32BE body", body(postHead, order.getBytes(java.nio.charset.Charset.forName("UTF-32BE"))));
        cases.put(
                "a UTF-32 body with its byte order mark",
                body(
                        postHead,
                        bytes(
                                new byte[] {0, 0, (byte) 0xFE, (byte) 0xFF},
                                order.getBytes(java.nio.charset.Charset.forName("UTF-32BE")))));
        cases.put(
                "a byte order mark before an order",
                body(postHead, bytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, latin1(order))));
        cases.put(
                "a UTF-16 body that says so",
                body(
                        "POST /orders HTTP/1.1\r\nHost: x\r\n" + gregor
                                + "Content-Type: application/json; charset=utf-16\r\n",
                        order.getBytes(StandardCharsets.UTF_16)));
        cases.put("a gzip body", body(postHead + "Content-Encoding: gzip\r\n", gzip(order)));
        cases.put(
                "a deflate body under identity",
                body(postHead + "Content-Encoding: identity\r\nContent-Encoding: deflate\r\n", latin1(order)));

        // Idempotency keys: two of them, or a character outside printable ASCII, on a good order.
        cases.put(
                "two Idempotency-Key headers",
                body(postHead + "Idempotency-Key: k-first\r\nIdempotency-Key: k-second\r\n", latin1(order)));
        cases.put("a tab in an idempotency key", body(postHead + "Idempotency-Key: k\tey\r\n", latin1(order)));
        cases.put("a DEL in an idempotency key", body(postHead + "Idempotency-Key: k\u007fey\r\n", latin1(order)));
        cases.put(
                "a header line of 10,000 bytes",
                latin1("GET /orders HTTP/1.1\r\nHost: x\r\n" + gregor + "X-Long: " + "a".repeat(10_000) + "\r\n\r\n"));
        cases.put(
                "1,000 headers",
                latin1("GET /orders HTTP/1.1\r\nHost: x\r\n" + gregor + "X-Many: aaaaaaa\r\n".repeat(1_000) + "\r\n"));
        cases.put(
                "two Host headers",
                latin1("POST /orders HTTP/1.1\r\nHost: x\r\nHost: evil.example\r\n" + gregor + json + "Content-Length: "
                        + order.length() + "\r\n\r\n" + order));
        cases.put(
                "an oversized body announced with Expect: 100-continue",
                latin1(postHead + "Expect: 100-continue\r\nContent-Length: 100000\r\n\r\n"));

        // The request line.
        cases.put("a control byte in the query", latin1("GET /orders?\u0001 HTTP/1.1\r\nHost: x\r\n\r\n"));
        cases.put("an undecodable percent in the path", latin1("GET /orders/%zz HTTP/1.1\r\nHost: x\r\n\r\n"));
        cases.put("a request line with four parts", latin1("GET /orders HTTP/1.1 x\r\nHost: x\r\n" + gregor + "\r\n"));
        cases.put("an unknown method", latin1("BREW /orders HTTP/1.1\r\nHost: x\r\n" + gregor + "\r\n"));
        cases.put("HTTP version 9.9", latin1("GET /orders HTTP/9.9\r\nHost: x\r\n" + gregor + "\r\n"));
        cases.put("a script as the protocol", latin1("GET / <SCRIPT>/1.1\r\nHost: x\r\n\r\n"));
        cases.put(
                "a script as the protocol of an order",
                body("POST /orders <SCRIPT>/1.1\r\nHost: x\r\n" + gregor + json, latin1(order)));
        cases.put("a target without a slash", latin1("GET orders HTTP/1.1\r\nHost: x\r\n" + gregor + "\r\n"));
        cases.put("an asterisk target", latin1("OPTIONS * HTTP/1.1\r\nHost: x\r\n" + gregor + "\r\n"));
        cases.put("a tab in the target", latin1("GET /orders\t/x HTTP/1.1\r\nHost: x\r\n" + gregor + "\r\n"));
        cases.put(
                "raw UTF-8 in the target",
                bytes(
                        latin1("GET /orders/"),
                        "\u2024\u2024/transactions".getBytes(StandardCharsets.UTF_8),
                        latin1(" HTTP/1.1\r\nHost: x\r\n" + gregor + "\r\n")));
        cases.put(
                "a request line of 10,000 bytes",
                latin1("GET /orders?" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
        return cases.entrySet().stream()
                .map(entry -> DynamicTest.dynamicTest(
                        entry.getKey(), () -> assertRawRefused(entry.getKey(), rawBytes(entry.getValue()))));
    }

    @TestFactory
    @Order(4)
    Stream<DynamicTest> refusesForgedAndOversizedTokens() {
        String rs256 = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + JwtIssuer.KID + "\"}";
        String claims = issuer.claims();
        long now = java.time.Instant.now().getEpochSecond();
        String admin = claims.replace("}", ",\"roles\":[\"admin\"]}");
        Map<String, String> tokens = new java.util.LinkedHashMap<>();
        tokens.put("alg none", unsigned("{\"alg\":\"none\",\"typ\":\"JWT\"}", claims));
        tokens.put("alg None", unsigned("{\"alg\":\"None\"}", claims));
        tokens.put("alg NONE with a signature", unsigned("{\"alg\":\"NONE\"}", claims) + "c2lnbmF0dXJl");
        tokens.put("an unsigned admin", unsigned("{\"alg\":\"none\"}", admin));
        tokens.put(
                "HS256 signed with the issuer's public key (DER)",
                JwtIssuer.hs256(
                        "{\"alg\":\"HS256\",\"kid\":\"" + JwtIssuer.KID + "\"}", claims, issuer.publicKeyDer()));
        tokens.put(
                "HS256 signed with the issuer's public key (PEM)",
                JwtIssuer.hs256(
                        "{\"alg\":\"HS256\",\"kid\":\"" + JwtIssuer.KID + "\"}",
                        claims,
                        issuer.publicKeyPem().getBytes(StandardCharsets.US_ASCII)));
        tokens.put(
                "kid path traversal with an empty key",
                JwtIssuer.hs256("{\"alg\":\"HS256\",\"kid\":\"../../../../../../dev/null\"}", claims, new byte[0]));
        tokens.put(
                "kid SQL injection",
                JwtIssuer.hs256(
                        "{\"alg\":\"HS256\",\"kid\":\"x' UNION SELECT 'secret' --\"}",
                        claims,
                        "secret".getBytes(StandardCharsets.US_ASCII)));
        tokens.put(
                "kid command injection",
                issuer.signedByStranger("{\"alg\":\"RS256\",\"kid\":\"key|/bin/sh -c id\"}", claims));
        tokens.put(
                "jku pointing to the attacker's keys",
                issuer.signedByStranger(
                        "{\"alg\":\"RS256\",\"kid\":\"a\",\"jku\":\"http://127.0.0.1:9/keys\"}", claims));
        tokens.put(
                "x5u pointing to the attacker's certificate",
                issuer.signedByStranger("{\"alg\":\"RS256\",\"x5u\":\"http://127.0.0.1:9/cert.pem\"}", claims));
        tokens.put(
                "the attacker's own key embedded",
                issuer.signedByStranger("{\"alg\":\"RS256\",\"jwk\":" + issuer.strangerJwk() + "}", claims));
        tokens.put("signed by a stranger under the issuer's kid", issuer.signedByStranger(rs256, claims));
        tokens.put(
                "the signature stripped",
                issuer.signed(rs256, claims)
                        .substring(0, issuer.signed(rs256, claims).lastIndexOf('.') + 1));
        tokens.put(
                "another token's signature",
                issuer.signed(rs256, admin)
                                .substring(0, issuer.signed(rs256, admin).lastIndexOf('.'))
                        + issuer.signed(rs256, claims)
                                .substring(issuer.signed(rs256, claims).lastIndexOf('.')));
        tokens.put("expired", issuer.signed(rs256, claims.replaceFirst("\"exp\":\\d+", "\"exp\":" + (now - 3_600))));
        tokens.put(
                "not valid before an hour from now",
                issuer.signed(rs256, claims.replace("}", ",\"nbf\":" + (now + 3_600) + "}")));
        tokens.put("from another issuer", issuer.signed(rs256, claims.replace(issuer.url(), "http://evil.example")));
        tokens.put(
                "for another audience",
                issuer.signed(rs256, claims.replace("\"aud\":\"" + JwtIssuer.AUDIENCE + "\"", "\"aud\":\"other\"")));
        tokens.put(
                "an unknown critical header",
                issuer.signed(
                        "{\"alg\":\"RS256\",\"kid\":\"" + JwtIssuer.KID + "\",\"crit\":[\"shop-x\"],\"shop-x\":1}",
                        claims));
        tokens.put("four parts", issuer.signed(rs256, claims) + ".AAAA");
        tokens.put("not base64", "!!!.@@@.###");
        tokens.put("garbage of 7 KB", "a".repeat(3_500) + "." + "b".repeat(3_500) + ".c");
        tokens.put(
                "a signed token of 7 KB of claims",
                issuer.signed(rs256, claims.replace("}", ",\"pad\":\"" + "p".repeat(5_000) + "\"}")));
        tokens.put("a token of 20 KB", "a".repeat(10_000) + "." + "b".repeat(10_000) + ".c");
        return tokens.entrySet().stream()
                .map(entry -> DynamicTest.dynamicTest(
                        entry.getKey(),
                        () -> assertRefused(entry.getKey(), gateway.get("/transactions", entry.getValue()))));
    }

    @Test
    @Order(4)
    void acceptsTheIssuersOwnTokenSoTheRefusalsAboveMeanSomething() {
        String token =
                issuer.signed("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + JwtIssuer.KID + "\"}", issuer.claims());
        assertThat(gateway.get("/orders", token).status()).isEqualTo(200);
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
    @Order(4)
    void answersABodyThatTricklesIn408AndStoresNothing() throws Exception {
        String order = "{\"item\":\"cap\",\"customer\":\"Gregor\"}";
        try (Socket socket =
                new Socket("127.0.0.1", Integer.parseInt(shop.gatewayUrl().replaceAll(".*:", "")))) {
            socket.setSoTimeout(1_000);
            OutputStream out = socket.getOutputStream();
            out.write(latin1("POST /orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + Gateway.GREGOR
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + order.length() + "\r\n\r\n"));
            StringBuilder answer = new StringBuilder();
            // One byte a second: never idle, never done before the body's deadline.
            for (int i = 0; i < order.length() - 1 && answer.isEmpty(); i++) {
                try {
                    out.write(order.charAt(i));
                    out.flush();
                    byte[] buffer = new byte[2048];
                    int read = socket.getInputStream().read(buffer);
                    if (read < 0) {
                        break;
                    }
                    answer.append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
                } catch (java.net.SocketTimeoutException nothingYet) {
                    // still reading it
                } catch (java.io.IOException closed) {
                    break;
                }
            }
            assertThat(answer.toString()).startsWith("HTTP/1.1 408").contains("urn:shop:problem:request-timeout");
        }
    }

    // Defect: a 405 carried no Allow, on every service.

    @Test
    @Order(4)
    void namesTheMethodsAPathTakesInEvery405OnEveryService() throws Exception {
        String order = "/orders/6f1c2b1e-2f0a-4c57-9d43-5b8f1e0a9c11";
        String gateway = "http://127.0.0.1:" + shop.port("api-gateway");
        String management = "http://127.0.0.1:" + shop.operationsPort("api-gateway");
        String orders = shop.internalUrl("order-service");
        String payments = shop.internalUrl("payment-service");
        String fromGateway = internalTokens("api-gateway").issue("order-service", new Caller("Gregor", Role.CUSTOMER));
        String toPayments = internalTokens("order-service").issue("payment-service", null);
        record Call(String method, String url, String bearer, String allowed) {}
        for (Call call : List.of(
                new Call("PUT", gateway + "/orders", Gateway.GREGOR, "GET, POST"),
                new Call("DELETE", gateway + order, Gateway.GREGOR, "GET"),
                new Call("GET", gateway + order + "/refund", Gateway.GREGOR, "POST"),
                new Call("POST", gateway + "/products", null, "GET"),
                new Call("POST", management + "/actuator/health/liveness", null, "GET"),
                new Call("PUT", orders + "/orders", fromGateway, "GET, POST"),
                new Call("DELETE", orders + order, fromGateway, "GET"),
                new Call("GET", payments + "/charges", toPayments, "POST"),
                new Call("DELETE", payments + "/transactions", toPayments, "GET"))) {
            var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(call.url()))
                    .method(call.method(), java.net.http.HttpRequest.BodyPublishers.noBody());
            if (call.bearer() != null) {
                request.header("Authorization", "Bearer " + call.bearer());
            }
            var answer = java.net.http.HttpClient.newHttpClient()
                    .send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            String what = call.method() + " " + call.url();
            assertThat(answer.statusCode()).as(what + ": " + answer.body()).isEqualTo(405);
            assertThat(answer.headers().firstValue("Allow")).as(what).hasValue(call.allowed());
            assertThat(answer.headers().firstValue("Content-Type")).as(what).hasValue("application/problem+json");
        }
    }

    // Defect: the status line repeated the client's protocol token: GET / <SCRIPT>/1.1 was answered "<SCRIPT>/1.1 ...".

    @Test
    @Order(4)
    void answersInHttp11WhateverProtocolTheRequestLineNamesOnEveryService() throws Exception {
        for (int port : List.of(
                shop.port("api-gateway"),
                shop.operationsPort("api-gateway"),
                shop.port("order-service"),
                shop.port("payment-service"))) {
            for (String protocol : List.of("<SCRIPT>/1.1", "HTTP/9.9", "HTTP/2.0")) {
                String answer = rawBytes(port, latin1("GET /products " + protocol + "\r\nHost: x\r\n\r\n"));
                assertThat(answer)
                        .as(port + ", " + protocol)
                        .startsWith("HTTP/1.1 400 ")
                        .contains("application/problem+json")
                        .doesNotContainIgnoringCase("<script")
                        .doesNotContain("9.9");
            }
        }
    }

    // Defect: an internal token with an exp ten years ahead was taken.

    @Test
    @Order(4)
    void refusesAnInternalTokenThatLivesLongerThanTheTtl() throws Exception {
        InternalKeys.Key key = InternalKeys.local("api-gateway")
                .signing("api-gateway", "order-service")
                .orElseThrow();
        java.time.Instant now = java.time.Instant.now();
        Map<String, String> refused = Map.of(
                "exp ten years ahead",
                internalToken(key, now, now.plus(java.time.Duration.ofDays(3650))),
                "issued ten years ago, valid for a minute more",
                internalToken(key, now.minus(java.time.Duration.ofDays(3650)), now.plusSeconds(60)),
                "a life of an hour",
                internalToken(key, now.minusSeconds(1_800), now.plusSeconds(1_800)));
        for (Map.Entry<String, String> token : refused.entrySet()) {
            assertThat(internalGet("/orders", token.getValue()).statusCode())
                    .as(token.getKey())
                    .isEqualTo(401);
        }
        assertThat(internalGet("/orders", internalToken(key, now, now.plusSeconds(60)))
                        .statusCode())
                .as("a token of the TTL's life, signed with the same key")
                .isEqualTo(200);
    }

    private java.net.http.HttpResponse<String> internalGet(String path, String token) throws Exception {
        return java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create(shop.internalUrl("order-service") + path))
                                .header("Authorization", "Bearer " + token)
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** The tokens of {@code service} with the local profile's published keys, which the services here run with. */
    private static InternalTokens internalTokens(String service) {
        return new InternalTokens(
                service, InternalKeys.local(service), java.time.Duration.ofSeconds(60), java.time.Clock.systemUTC());
    }

    /** A token from the gateway to order-service for Gregor, issued at {@code issued}, expiring at {@code expires}. */
    private static String internalToken(InternalKeys.Key key, java.time.Instant issued, java.time.Instant expires)
            throws Exception {
        com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(
                new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.HS256)
                        .keyID(key.kid())
                        .build(),
                new com.nimbusds.jwt.JWTClaimsSet.Builder()
                        .issuer("api-gateway")
                        .audience("order-service")
                        .subject("Gregor")
                        .claim("role", Role.CUSTOMER.name())
                        .issueTime(java.util.Date.from(issued))
                        .expirationTime(java.util.Date.from(expires))
                        .build());
        jwt.sign(new com.nimbusds.jose.crypto.MACSigner(key.secret()));
        return jwt.serialize();
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
            assertThat(count(orders, "select count(*) from idempotency_keys"))
                    .as("keys: one per accepted request with one")
                    .isEqualTo(acceptedKeys.get());
            assertThat(count(payments, "select count(*) from transactions where type = 'CHARGE'"))
                    .as("charges: one per accepted order at most")
                    .isLessThanOrEqualTo(accepted.get());
            assertThat(count(payments, "select count(*) from transactions where type = 'REFUND'"))
                    .isZero();
            assertThat(count(orders, "select count(*) from orders where customer <> 'Gregor'"))
                    .isZero();
            for (String table : List.of("orders", "idempotency_keys")) {
                assertThat(text(orders, table)).as(table).doesNotContain(CARD).doesNotContain("4111 1111");
            }
            assertThat(text(payments, "transactions"))
                    .as("transactions")
                    .doesNotContain(CARD)
                    .doesNotContain("4111 1111");
        }
        for (String service : ShopProcesses.SERVICES) {
            assertThat(shop.log(service))
                    .as(service + "'s log")
                    .doesNotContain(CARD)
                    .doesNotContain("4111 1111")
                    .doesNotContain("4111-1111")
                    .doesNotContain("4111_1111");
        }
    }

    /** Every value of every row of {@code table}, as text. */
    private static String text(Connection db, String table) throws Exception {
        StringBuilder text = new StringBuilder();
        try (ResultSet rs = db.createStatement().executeQuery("select * from " + table)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int column = 1; column <= columns; column++) {
                    text.append(rs.getString(column)).append('\n');
                }
            }
        }
        return text.toString();
    }

    private static String fields(int count) {
        StringBuilder object = new StringBuilder("{");
        for (int i = 0; i < count; i++) {
            object.append("\"f").append(i).append("\":1,");
        }
        return object.append("\"item\":\"cap\"}").toString();
    }

    private Gateway.Response post(String body) {
        return gateway.post("/orders", Gateway.GREGOR, body);
    }

    private static void assertRefused(String what, Gateway.Response response) {
        assertThat(response.status()).as(what + ": " + response.raw().body()).isBetween(400, 499);
        assertThat(response.contentType()).as(what).startsWith("application/problem+json");
        assertThat(response.json().get("type").asText()).as(what).startsWith("urn:shop:problem:");
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

    /**
     * A refusal: a 4xx problem detail in HTTP/1.1 (or 1.0), whatever protocol the request named,
     * and nothing after it (no second answer to a smuggled request). Never silence, not even for
     * a body whose framing is broken.
     */
    private static void assertRawRefused(String what, String answer) {
        assertThat(answer).as(what + ": an answer").isNotEmpty();
        assertThat(answer).as(what).matches("(?s)HTTP/1\\.[01] 4.*").contains("application/problem+json");
        assertThat(answer)
                .as(what + ": no second answer other than a refusal")
                .doesNotContainPattern("HTTP/\\d\\.\\d [235]")
                .doesNotContain("<html")
                .doesNotContainIgnoringCase("<script")
                .doesNotContain("Exception")
                .doesNotContain(Gateway.GREGOR);
    }

    private static String unsigned(String header, String claims) {
        return JwtIssuer.encode(header) + "." + JwtIssuer.encode(claims) + ".";
    }

    private static byte[] gzip(String text) {
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (var out = new java.util.zip.GZIPOutputStream(zipped)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return zipped.toByteArray();
    }

    private static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(byte[]... parts) {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    /** A POST of {@code head} with {@code content} as its body, framed by its length. */
    private static byte[] body(String head, byte[] content) {
        return bytes(latin1(head + "Content-Length: " + content.length + "\r\n\r\n"), content);
    }

    /**
     * Writes a request byte for byte and reads what comes back until the gateway closes the
     * connection or says nothing more for 3 s (a kept-alive connection).
     */
    private String rawBytes(byte[] request) throws Exception {
        return rawBytes(shop.port("api-gateway"), request);
    }

    private static String rawBytes(int port, byte[] request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(3_000);
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
            } catch (java.io.IOException closedWhileWriting) {
                // The gateway may refuse and close before it has read everything; its answer is still there.
            }
            java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            try {
                for (int read; (read = socket.getInputStream().read(buffer)) >= 0; ) {
                    answer.write(buffer, 0, read);
                }
            } catch (java.net.SocketTimeoutException quiet) {
                // kept alive: everything it had to say has been said
            } catch (java.io.IOException reset) {
                // closed with unread input: what arrived before counts
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
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
