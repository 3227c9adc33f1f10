package shop.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the load generator counts, against a gateway played by the JDK's own HTTP server. */
class LoadGeneratorTest {

    @Test
    void countsAcknowledgedOrdersAndNamesEachKindOfError() throws Exception {
        HttpServer gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        int[] calls = {0};
        gateway.createContext("/orders", exchange -> {
            boolean refuse;
            synchronized (calls) {
                refuse = calls[0]++ % 2 == 1;
            }
            byte[] body = (refuse
                            ? "{\"type\":\"urn:shop:problem:overloaded\"}"
                            : "{\"id\":\"" + java.util.UUID.randomUUID() + "\",\"status\":\"PAID\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(refuse ? 503 : 201, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        gateway.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + gateway.getAddress().getPort());
            Result result = new LoadGenerator(new Settings(url, "key", 0, 1, Duration.ofMillis(500)))
                    .run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

            assertThat(result.acknowledged()).isNotEmpty();
            assertThat(result.errors()).isPositive();
            assertThat(result.errorKinds()).containsOnlyKeys("HTTP 503");
            assertThat(result.errorKinds().get("HTTP 503")).isEqualTo(result.errors());
            assertThat(result.acknowledged().size() + result.errors()).isEqualTo(calls[0]);
        } finally {
            gateway.stop(0);
        }
    }

    @Test
    void namesTheExceptionOfASendThatGotNoAnswer() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        URI nobody = URI.create("http://127.0.0.1:" + closedPort);
        Result result = new LoadGenerator(new Settings(nobody, "key", 0, 1, Duration.ofMillis(200)))
                .run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        assertThat(result.acknowledged()).isEmpty();
        assertThat(result.errors()).isPositive();
        assertThat(result.errorKinds())
                .isNotEmpty()
                .allSatisfy((kind, count) -> assertThat(kind).startsWith("ConnectException"));
        assertThat(result.errorKinds().values().stream()
                        .mapToLong(Long::longValue)
                        .sum())
                .isEqualTo(result.errors());
    }
}
