package shop.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import shop.gateway.GatewayUnderTest;
import shop.gateway.RawHttp;

/**
 * The limits on clients over real HTTP: failed authentications per client address, the client's
 * address behind a trusted proxy, CORS headers on errors, connections per address, the deadlines
 * for a request's head and body, the {@code Authorization} header's form, and health and metrics
 * on the management port only. Each test speaks from loopback addresses of its own
 * ({@code 127.0.0.x}), which the gateway takes for different clients. Nothing listens behind the
 * gateway: a call that passes every check gets 503.
 */
class ClientLimitsIntegrationTest {

    private static final String ORIGIN = "https://shop.example";
    private static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        gateway = GatewayUnderTest.start(Map.of(
                "SHOP_PROFILE", "local",
                "SHOP_RATE_LIMIT", "2",
                "SHOP_AUTH_FAILURE_LIMIT", "5",
                "SHOP_GATEWAY_TRUSTED_PROXIES", "127.0.0.9, 127.0.1.0/24",
                "SHOP_MAX_CONNECTIONS_PER_ADDRESS", "8",
                "SHOP_GATEWAY_CORS_ALLOWED_ORIGINS", ORIGIN,
                "ORDER_SERVICE_URL", "http://127.0.0.1:9",
                "PAYMENT_SERVICE_URL", "http://127.0.0.1:9"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    // Defect: 400 wrong keys in 0.3 s were all answered 401, none 429: key guessing was unthrottled.

    @Test
    void answersACredentialStuffingBurst429BeforeLookingAtAnyKey() {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            statuses.add(RawHttp.status(getOrders("127.0.0.30", "Authorization: Bearer guess-" + i + "\r\n")));
        }
        assertThat(statuses.subList(0, 5)).as("the allowance of failures").containsOnly(401);
        assertThat(statuses.subList(5, 100)).as("then no key is looked at").containsOnly(429);

        String good = getOrders("127.0.0.30", "Authorization: Bearer local-gregor-key\r\n");
        assertThat(RawHttp.status(good)).as("not even a good one").isEqualTo(429);
        assertThat(good).containsIgnoringCase("Retry-After: ").contains("urn:shop:problem:too-many-requests");
        assertThat(RawHttp.status(getOrders("127.0.0.31", "Authorization: Bearer local-gregor-key\r\n")))
                .as("another client is not held back")
                .isEqualTo(503);
    }

    @Test
    void countsTheForwardedClientOnlyBehindATrustedProxy() {
        for (int i = 0; i < 5; i++) {
            getOrders("127.0.0.9", "X-Forwarded-For: 203.0.113.1\r\nAuthorization: Bearer guess\r\n");
        }
        assertThat(RawHttp.status(
                        getOrders("127.0.0.9", "X-Forwarded-For: 203.0.113.1\r\nAuthorization: Bearer guess\r\n")))
                .as("the client behind the proxy has failed too often")
                .isEqualTo(429);
        assertThat(RawHttp.status(getOrders(
                        "127.0.1.7", "X-Forwarded-For: 198.51.100.4, 203.0.113.2\r\nAuthorization: Bearer guess\r\n")))
                .as("another client behind a proxy of the trusted range (the last address is the client)")
                .isEqualTo(401);
        assertThat(RawHttp.status(getOrders(
                        "127.0.1.7",
                        "X-Forwarded-For: 203.0.113.2, 203.0.113.1\r\nAuthorization: Bearer local-gregor-key\r\n")))
                .as("the last address before the trusted proxy is the one counted, whatever precedes it")
                .isEqualTo(429);

        for (int i = 0; i < 5; i++) {
            getOrders("127.0.0.40", "X-Forwarded-For: 198.51.100." + i + "\r\nAuthorization: Bearer guess\r\n");
        }
        assertThat(RawHttp.status(getOrders(
                        "127.0.0.40", "X-Forwarded-For: 198.51.100.99\r\nAuthorization: Bearer local-gregor-key\r\n")))
                .as("an untrusted peer's X-Forwarded-For is ignored: it cannot pose as a new client")
                .isEqualTo(429);
    }

    @Test
    void takesTheBearerSchemeInAnyCaseAndRefusesTwoAuthorizationHeaders() {
        assertThat(RawHttp.status(getOrders("127.0.0.32", "Authorization: bearer local-gregor-key\r\n")))
                .isEqualTo(503);
        assertThat(RawHttp.status(getOrders("127.0.0.32", "Authorization: BEARER local-gregor-key\r\n")))
                .isEqualTo(503);
        String two = getOrders(
                "127.0.0.32", "Authorization: Bearer local-gregor-key\r\nAuthorization: Bearer local-admin-key\r\n");
        assertThat(RawHttp.status(two)).isEqualTo(400);
        assertThat(two).contains("application/problem+json").contains("Authorization");
    }

    // Defect: CORS headers were missing on errors written before routing, so a browser could not read them.

    @Test
    void putsCorsHeadersOnEveryAnswerToAnAllowedOrigin() {
        HttpResponse<String> unauthenticated = gateway.send(
                gateway.request("/orders").header("Origin", ORIGIN).header("Authorization", "Bearer not-a-key"));
        assertThat(unauthenticated.statusCode()).isEqualTo(401);
        assertCors(unauthenticated);

        HttpResponse<String> tooLarge = gateway.send(gateway.request("/orders")
                .header("Origin", ORIGIN)
                .header("Authorization", "Bearer local-alice-key")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"" + "x".repeat(20_000) + "\"}")));
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertCors(tooLarge);

        HttpResponse<String> limited = null;
        for (int i = 0; i < 50 && limited == null; i++) {
            HttpResponse<String> response =
                    gateway.send(gateway.request("/products").header("Origin", ORIGIN));
            assertCors(response);
            if (response.statusCode() == 429) {
                limited = response;
            }
        }
        assertThat(limited).as("a 429 among the answers").isNotNull();
        assertThat(limited.headers().firstValue("Access-Control-Expose-Headers").orElseThrow())
                .contains("Retry-After");

        HttpResponse<String> notFound =
                gateway.sendUnchecked(gateway.request("/nowhere").header("Origin", ORIGIN));
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertCors(notFound);

        HttpResponse<String> unavailable = gateway.send(
                gateway.request("/orders").header("Origin", ORIGIN).header("Authorization", "Bearer local-admin-key"));
        assertThat(unavailable.statusCode()).isEqualTo(503);
        assertCors(unavailable);
    }

    @Test
    void closesConnectionsPastTheCapOfAnAddressAndNoOtherAddress() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                held.add(connect("127.0.0.50"));
            }
            try (Socket ninth = connect("127.0.0.50")) {
                ninth.setSoTimeout(5_000);
                assertThat(readOrClosed(ninth.getInputStream()))
                        .as("the ninth connection is closed at once")
                        .isEqualTo(-1);
            }
            assertThat(RawHttp.send("127.0.0.51", gateway.port(), RawHttp.request("GET", "/products", "", new byte[0])))
                    .as("another address is answered")
                    .startsWith("HTTP/1.1 ");
            held.removeFirst().close();
            Thread.sleep(200);
            try (Socket again = connect("127.0.0.50")) {
                again.getOutputStream()
                        .write("GET /products HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                again.setSoTimeout(5_000);
                String answer = new String(again.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(answer).as("room again once one has closed").startsWith("HTTP/1.1 ");
            }
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    // Defect: 1,100 connections each sending one header line a second held the gateway for as long as they
    // stayed: the 5 s limit was per read, with no deadline for a request's whole head.

    @Test
    void hangsUpOnAHeadOrABodyThatTricklesPastItsDeadline() throws Exception {
        try (Socket head = connect("127.0.0.60");
                Socket body = connect("127.0.0.61")) {
            head.setSoTimeout(500);
            body.setSoTimeout(500);
            send(head, "GET /products HTTP/1.1\r\nHost: x\r\n");
            send(
                    body,
                    "POST /orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer local-gregor-key\r\n"
                            + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
            long started = System.nanoTime();
            long headClosedAfter = -1;
            long bodyClosedAfter = -1;
            StringBuilder bodyAnswer = new StringBuilder();
            // One header line, one byte of body a second: never idle for long, never done.
            for (int line = 0; (headClosedAfter < 0 || bodyClosedAfter < 0) && elapsedSeconds(started) < 20; line++) {
                if (headClosedAfter < 0 && !trickle(head, "X-Slow-" + line + ": a\r\n", null)) {
                    headClosedAfter = elapsedSeconds(started);
                }
                if (bodyClosedAfter < 0 && !trickle(body, " ", bodyAnswer)) {
                    bodyClosedAfter = elapsedSeconds(started);
                }
            }
            // The head's is the server's idle timeout (8 s), which a partial head does not reset, or else 10 s.
            assertThat(headClosedAfter)
                    .as("the trickled head hung up on by its deadline")
                    .isBetween(7L, ClientConnections.HEAD_SECONDS + 4L);
            assertThat(bodyClosedAfter)
                    .as("the trickled body hung up on by its deadline (10 s, checked every second)")
                    .isBetween(ClientConnections.BODY_SECONDS - 1L, ClientConnections.BODY_SECONDS + 4L);
            assertThat(bodyAnswer.toString()).startsWith("HTTP/1.1 408").contains("urn:shop:problem:request-timeout");
        }
    }

    @Test
    void servesHealthAndMetricsOnTheManagementPortOnly() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/actuator/prometheus", "/actuator/health", "/actuator/health/readiness")) {
            assertThat(gateway.sendUnchecked(gateway.request(path)).statusCode())
                    .as("public " + path)
                    .isEqualTo(404);
            HttpResponse<String> management = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.managementPort() + path))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(management.statusCode()).as("management " + path).isEqualTo(200);
        }
        HttpResponse<String> scrape = http.send(
                HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + gateway.managementPort() + "/actuator/prometheus"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.body()).contains("http_server_requests_seconds_count");
    }

    private static long elapsedSeconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000_000;
    }

    private static String getOrders(String from, String headers) {
        return RawHttp.send(from, gateway.port(), RawHttp.request("GET", "/orders", headers, new byte[0]));
    }

    private static void assertCors(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin"))
                .as("Access-Control-Allow-Origin on a %d", response.statusCode())
                .contains(ORIGIN);
        if (response.statusCode() >= 400) {
            assertThat(new JsonObject(response.body()).getString("type")).startsWith("urn:shop:problem:");
        }
    }

    private static Socket connect(String from) throws IOException {
        return new Socket(InetAddress.getByName("127.0.0.1"), gateway.port(), InetAddress.getByName(from), 0);
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** Writes, then waits a second for the connection to end: false once it has (what it answered goes to answer). */
    private static boolean trickle(Socket socket, String text, StringBuilder answer) {
        try {
            send(socket, text);
            byte[] buffer = new byte[4096];
            int read = socket.getInputStream().read(buffer);
            if (read > 0 && answer != null) {
                answer.append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
            }
            return false;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return true;
        } catch (SocketException closed) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static int readOrClosed(InputStream in) {
        try {
            return in.read();
        } catch (IOException reset) {
            return -1;
        }
    }
}
