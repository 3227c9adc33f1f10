package shop.gateway.routing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Stands in for a service behind the gateway, over real HTTP: it answers every call with what
 * it received, so a test can see exactly what the gateway passed on.
 */
class EchoService implements AutoCloseable {

    private final HttpServer server;

    EchoService(int status) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> echo(exchange, status));
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void echo(HttpExchange exchange, int status) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        var headers = exchange.getRequestHeaders();
        String json = """
                {"method":"%s","uri":"%s","claimedCustomer":"%s","idempotencyKey":"%s","body":"%s","authorization":"%s"}
                """.formatted(exchange.getRequestMethod(), exchange.getRequestURI(), headers.getFirst("X-Shop-Customer"),
                headers.getFirst("Idempotency-Key"), body.replace("\"", "'"), headers.getFirst("Authorization"));
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Location", "/orders/42");
        exchange.getResponseHeaders().set("X-Internal-Detail", "must not leak");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
