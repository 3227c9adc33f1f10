package shop.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Vertx;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The access log: one line per request, with what operators need and nothing a client sent. */
class AccessLogIntegrationTest {

    private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

    private static Vertx vertx;
    private static FakeService orderService;
    private static GatewayUnderTest gateway;
    private static final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        orderService = FakeService.start(vertx);
        gateway = GatewayUnderTest.start(Map.of(
                "SHOP_PROFILE",
                "local",
                "ORDER_SERVICE_URL",
                orderService.url(),
                "PAYMENT_SERVICE_URL",
                "http://127.0.0.1:9"));
        lines.start();
        ((Logger) LoggerFactory.getLogger("shop.gateway.access")).addAppender(lines);
    }

    @AfterAll
    static void stop() {
        ((Logger) LoggerFactory.getLogger("shop.gateway.access")).detachAppender(lines);
        gateway.close();
        vertx.close().await();
    }

    @Test
    void writesOneLinePerRequestWithRouteStatusDurationRoleAndTrace() {
        int before = lines.list.size();
        gateway.send(gateway.request("/orders")
                .header("Authorization", "Bearer local-gregor-key")
                .header("Content-Type", "application/json")
                .header("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"item\":\"cap\",\"paymentMethod\":\"4000000000009995\"}")));
        gateway.get("/orders/" + FakeService.ORDER_ID + "?status=secret-query", "local-admin-key");
        gateway.get("/orders", "wrong-key-123");
        gateway.get("/products", null);
        gateway.get("/no/such/route", "local-gregor-key");
        gateway.sendUnchecked(gateway.request("/orders/" + FakeService.ORDER_ID)
                .method("XYZZY" + "Q".repeat(4_000), HttpRequest.BodyPublishers.noBody()));

        List<String> logged = linesAfter(before, 6);
        assertThat(logged.get(0)).matches("POST /orders 201 \\d+ ms role=customer trace=" + TRACE_ID);
        assertThat(logged.get(1)).matches("GET /orders/\\{id} 200 \\d+ ms role=admin trace=[0-9a-f]{32}");
        assertThat(logged.get(2)).matches("GET /orders 401 \\d+ ms role=anonymous trace=[0-9a-f]{32}");
        assertThat(logged.get(3)).matches("GET /products 200 \\d+ ms role=anonymous trace=[0-9a-f]{32}");
        assertThat(logged.get(4)).matches("GET unmatched 404 \\d+ ms role=anonymous trace=[0-9a-f]{32}");
        assertThat(logged.get(5))
                .as("a method no route takes, as the metrics count it")
                .matches("other unmatched 405 \\d+ ms role=anonymous trace=[0-9a-f]{32}");
        assertThat(String.join("\n", logged))
                .doesNotContain(
                        FakeService.ORDER_ID,
                        "secret-query",
                        "4000000000009995",
                        "local-",
                        "wrong-key",
                        "Bearer",
                        "XYZZY");
    }

    @Test
    void writesALineForARequestWhoseClientClosedTheConnectionMidBody() throws Exception {
        int before = lines.list.size();
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.getOutputStream()
                    .write(("POST /orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer local-gregor-key\r\n"
                                    + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"item\":")
                            .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            Thread.sleep(200);
        }
        assertThat(linesAfter(before, 1).getFirst())
                .matches("POST unmatched CLIENT_CLOSED \\d+ ms role=anonymous trace=[0-9a-f]{32}");
    }

    /** The {@code count} lines written after the first {@code before}. */
    private static List<String> linesAfter(int before, int count) {
        // The line is written when the answer has been sent: the client may have it a moment earlier.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (lines.list.size() < before + count && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        List<ILoggingEvent> events = List.copyOf(lines.list);
        assertThat(events).as("lines written").hasSizeGreaterThanOrEqualTo(before + count);
        return events.subList(before, before + count).stream()
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }
}
