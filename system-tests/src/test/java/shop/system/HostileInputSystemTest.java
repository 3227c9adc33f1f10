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

    /**
     * Requests broken past reading (a body's framing, a protocol version the gateway does not
     * speak): the gateway may close the connection without a word instead of a 4xx.
     */
    private static final java.util.Set<String> HANG_UP_ALLOWED =
            java.util.Set.of("a chunk size that is not hexadecimal", "a chunk size past any long", "HTTP version 9.9");

    private JwtIssuer issuer;
    private ShopProcesses shop;
    private Gateway gateway;
    private final AtomicInteger accepted = new AtomicInteger();
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
        cases.put(
                "response splitting in an idempotency key",
                gateway.send(
                        "POST",
                        "/orders",
                        Gateway.GREGOR,
                        "{\"item\":\"cap\",\"quantity\":0}",
                        Map.of("Content-Type", "application/json", "Idempotency-Key", "a%0d%0aSet-Cookie:%20x=1")));
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
        cases.put("a UTF-16 body", body(postHead, refusedOrder.getBytes(StandardCharsets.UTF_16)));
        cases.put(
                "a byte order mark before a refused order",
                body(postHead, bytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, latin1(refusedOrder))));
        cases.put(
                "a header line of 10,000 bytes",
                latin1("GET /orders HTTP/1.1\r\nHost: x\r\n" + gregor + "X-Long: " + "a".repeat(10_000) + "\r\n\r\n"));
        cases.put(
                "1,000 headers",
                latin1("GET /orders HTTP/1.1\r\nHost: x\r\n" + gregor + "X-Many: aaaaaaa\r\n".repeat(1_000) + "\r\n"));
        cases.put(
                "two Host headers",
                latin1("POST /orders HTTP/1.1\r\nHost: x\r\nHost: evil.example\r\n" + gregor + json + "Content-Length: "
                        + refusedOrder.length() + "\r\n\r\n" + refusedOrder));
        cases.put(
                "an oversized body announced with Expect: 100-continue",
                latin1(postHead + "Expect: 100-continue\r\nContent-Length: 100000\r\n\r\n"));

        // The request line.
        cases.put("a control byte in the query", latin1("GET /orders?\u0001 HTTP/1.1\r\nHost: x\r\n\r\n"));
        cases.put("an undecodable percent in the path", latin1("GET /orders/%zz HTTP/1.1\r\nHost: x\r\n\r\n"));
        cases.put("a request line with four parts", latin1("GET /orders HTTP/1.1 x\r\nHost: x\r\n" + gregor + "\r\n"));
        cases.put("an unknown method", latin1("BREW /orders HTTP/1.1\r\nHost: x\r\n" + gregor + "\r\n"));
        cases.put("HTTP version 9.9", latin1("GET /orders HTTP/9.9\r\nHost: x\r\n" + gregor + "\r\n"));
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

    /**
     * A refusal: a 4xx problem detail and nothing after it (no second answer to a smuggled
     * request). Only where the framing itself is broken may the gateway hang up without a word.
     */
    private static void assertRawRefused(String what, String answer) {
        if (answer.isEmpty() && HANG_UP_ALLOWED.contains(what)) {
            return;
        }
        assertThat(answer).as(what + ": an answer").isNotEmpty();
        assertThat(answer).as(what).matches("(?s)HTTP/\\d\\.\\d 4.*").contains("application/problem+json");
        assertThat(answer)
                .as(what + ": no second answer other than a refusal")
                .doesNotContainPattern("HTTP/\\d\\.\\d [235]")
                .doesNotContain("<html")
                .doesNotContain("Exception")
                .doesNotContain(Gateway.GREGOR);
    }

    private static String unsigned(String header, String claims) {
        return JwtIssuer.encode(header) + "." + JwtIssuer.encode(claims) + ".";
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
        try (Socket socket =
                new Socket("127.0.0.1", Integer.parseInt(shop.gatewayUrl().replaceAll(".*:", "")))) {
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
