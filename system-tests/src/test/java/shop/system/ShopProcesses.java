package shop.system;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import shop.testing.TestDatabase;

/**
 * The three services as real processes, started from their built jars with the local profile:
 * on PostgreSQL when a server answers (one database each), else on H2 files in a data folder.
 */
final class ShopProcesses implements AutoCloseable {

    static final Path ROOT = Path.of(System.getProperty("shop.root", "..")).toAbsolutePath().normalize();
    private static final List<String> SERVICES = List.of("payment-service", "order-service", "api-gateway");

    private final Path dataDir;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, TestDatabase> databases = new LinkedHashMap<>();
    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    ShopProcesses(String name) throws IOException {
        dataDir = Files.createTempDirectory("shop-system-" + name);
        for (String service : SERVICES) {
            ports.put(service, freePort());
        }
        if (TestDatabase.postgresReachable() || "true".equalsIgnoreCase(System.getenv("CI"))) {
            databases.put("order-service", TestDatabase.postgres("system_orders"));
            databases.put("payment-service", TestDatabase.postgres("system_payments"));
        }
    }

    String gatewayUrl() {
        return "http://127.0.0.1:" + ports.get("api-gateway");
    }

    String databaseKind() {
        return databases.isEmpty() ? "H2" : "PostgreSQL";
    }

    /** Starts all three and waits until each reports ready. */
    ShopProcesses start() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        for (String service : SERVICES) {
            ProcessBuilder builder = new ProcessBuilder(java, "-jar", jar(service).toString(),
                    "--spring.profiles.active=local")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve(service + ".log").toFile()));
            Map<String, String> env = builder.environment();
            env.put("SHOP_DATA_DIR", dataDir.toString());
            env.put("PAYMENT_SERVICE_PORT", String.valueOf(ports.get("payment-service")));
            env.put("ORDER_SERVICE_PORT", String.valueOf(ports.get("order-service")));
            env.put("API_GATEWAY_PORT", String.valueOf(ports.get("api-gateway")));
            env.put("PAYMENT_SERVICE_URL", "http://127.0.0.1:" + ports.get("payment-service"));
            env.put("ORDER_SERVICE_URL", "http://127.0.0.1:" + ports.get("order-service"));
            TestDatabase database = databases.get(service);
            if (database != null) {
                env.put("SPRING_DATASOURCE_URL", database.url());
                env.put("SPRING_DATASOURCE_USERNAME", database.username());
                env.put("SPRING_DATASOURCE_PASSWORD", database.password());
            }
            processes.add(builder.start());
        }
        Instant deadline = Instant.now().plusSeconds(90);
        for (String service : SERVICES) {
            while (!ready(ports.get(service))) {
                if (Instant.now().isAfter(deadline) || processes.stream().anyMatch(p -> !p.isAlive())) {
                    throw new IllegalStateException(service + " did not become ready; its log:\n" + log(service));
                }
                Thread.sleep(200);
            }
        }
        return this;
    }

    /** Stops all three as an operator would (SIGTERM), then waits for them to exit. */
    void stop() throws InterruptedException {
        for (Process process : processes.reversed()) {
            process.destroy();
        }
        for (Process process : processes) {
            if (!process.waitFor(Duration.ofSeconds(30))) {
                process.destroyForcibly().waitFor();
            }
        }
        processes.clear();
    }

    String log(String service) {
        try {
            return Files.readString(dataDir.resolve(service + ".log"));
        }
        catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private boolean ready(int port) {
        try {
            var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(1)).build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        }
        catch (IOException e) {
            return false;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static Path jar(String service) throws IOException {
        try (var files = Files.list(ROOT.resolve(service).resolve("target"))) {
            return files.filter(f -> f.getFileName().toString().matches(service + "-.*\\.jar"))
                .filter(f -> !f.getFileName().toString().contains("original"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("Build " + service + " first (./mvnw package)"));
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
