package shop.gateway;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import shop.defaults.ServiceRuntime;
import shop.defaults.Settings;
import shop.gateway.contract.ApiContract;
import shop.testing.ContractChecker;
import shop.testing.TestTokens;

/**
 * The real gateway, started as its main does (one event loop, a free port), over real HTTP. Every
 * answer {@link #send} receives is checked against the contract.
 */
public final class GatewayUnderTest implements AutoCloseable {

    private static final ContractChecker CONTRACT = ContractChecker.load();

    private final ServiceRuntime runtime;
    private final Router router;
    private final int port;
    private final int managementPort;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private GatewayUnderTest(ServiceRuntime runtime, Router router, int port, int managementPort) {
        this.runtime = runtime;
        this.router = router;
        this.port = port;
        this.managementPort = managementPort;
    }

    /** Starts a gateway with {@code environment} over the tests' defaults (one event loop, the tests' internal key). */
    public static GatewayUnderTest start(Map<String, String> environment) {
        int port = freePort();
        int managementPort = freePort();
        Map<String, String> all = new HashMap<>(Map.of(
                "SHOP_EVENT_LOOPS",
                "1",
                "API_GATEWAY_PORT",
                String.valueOf(port),
                "API_GATEWAY_MANAGEMENT_PORT",
                String.valueOf(managementPort),
                "SHOP_INTERNAL_AUTH_KEYS",
                TestTokens.keysOf(GatewayMain.SERVICE)));
        all.putAll(environment);
        ServiceRuntime runtime = ServiceRuntime.start(GatewayMain.SERVICE, Settings.of(all));
        try {
            Router router = GatewayMain.start(runtime, Future.succeededFuture(ApiContract.read()))
                    .await();
            return new GatewayUnderTest(runtime, router, port, managementPort);
        } catch (RuntimeException e) {
            runtime.vertx().close();
            throw e;
        }
    }

    public static ContractChecker contract() {
        return CONTRACT;
    }

    public int port() {
        return port;
    }

    /** The port of health and metrics, which the public port does not serve. */
    public int managementPort() {
        return managementPort;
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    public Router router() {
        return router;
    }

    public ServiceRuntime runtime() {
        return runtime;
    }

    /** A request to the gateway, to finish and {@link #send}. */
    public HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(15));
    }

    /** Sends, and checks the answer against the contract. */
    public HttpResponse<String> send(HttpRequest.Builder request) {
        HttpResponse<String> response = sendUnchecked(request);
        CONTRACT.check(response);
        return response;
    }

    /** Sends without checking the answer (for answers outside the contract: preflights, docs). */
    public HttpResponse<String> sendUnchecked(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(String pathAndQuery, String key) {
        HttpRequest.Builder request = request(pathAndQuery).GET();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return send(request);
    }

    public HttpResponse<String> post(String pathAndQuery, String key, String json) {
        HttpRequest.Builder request = request(pathAndQuery)
                .header("Content-Type", "application/json")
                .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return send(request);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        runtime.vertx().close().await();
    }
}
