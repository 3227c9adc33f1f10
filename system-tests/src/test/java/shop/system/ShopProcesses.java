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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import shop.testing.TestDatabase;
import shop.testing.TestTls;

/**
 * The three services as real processes, started from their built jars with the local profile,
 * each on its own fresh database: PostgreSQL when a server answers (required with CI=true),
 * else an H2 file. Each can be stopped, killed and restarted on its own.
 */
final class ShopProcesses implements AutoCloseable {

    static final Path ROOT =
            Path.of(System.getProperty("shop.root", "..")).toAbsolutePath().normalize();
    static final List<String> SERVICES = List.of("payment-service", "order-service", "api-gateway");

    private final Path dataDir;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final int gatewayManagementPort;
    private final Map<String, TestDatabase> databases = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> extraEnv = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, String> profiles = new LinkedHashMap<>();
    private HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    /** The gateway's public port's scheme. */
    private String scheme = "http";
    /** The scheme of order-service's and payment-service's ports. */
    private String internalScheme = "http";

    ShopProcesses(String name) throws IOException {
        dataDir = Files.createTempDirectory("shop-system-" + name);
        for (String service : SERVICES) {
            ports.put(service, freePort());
            extraEnv.put(service, new LinkedHashMap<>());
        }
        gatewayManagementPort = freePort();
        databases.put("order-service", TestDatabase.create("system_orders"));
        databases.put("payment-service", TestDatabase.create("system_payments"));
    }

    String gatewayUrl() {
        return scheme + "://127.0.0.1:" + ports.get("api-gateway");
    }

    /**
     * Every service serves HTTPS only, with the tests' certificate ({@link TestTls#directory()}),
     * and calls the others over TLS, trusting it: one setting, {@code SHOP_TLS_DIR}, and the
     * services' URLs left {@code http} ({@link #internalUrl}).
     */
    ShopProcesses withTls() {
        scheme = "https";
        internalScheme = "https";
        http = trustingTheTestCertificate();
        for (String service : SERVICES) {
            withEnv(service, "SHOP_TLS_DIR", TestTls.directory().toString());
        }
        return this;
    }

    /**
     * TLS at the edge alone: the gateway serves HTTPS with the three file settings ({@link
     * TestTls#settings()}), and calls the services behind it, which serve plain HTTP, at their
     * {@code http} URLs.
     */
    ShopProcesses withEdgeTls() {
        scheme = "https";
        http = trustingTheTestCertificate();
        TestTls.settings().forEach((name, value) -> withEnv("api-gateway", name, value));
        return this;
    }

    private static HttpClient trustingTheTestCertificate() {
        return HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(1))
                .sslContext(TestTls.trustingIt())
                .build();
    }

    /**
     * The URL the others are given for a service behind the gateway: {@code http} even with TLS,
     * as {@code ./shop run --tls} gives it (SHOP_TLS_DIR makes the call TLS).
     */
    String internalUrl(String service) {
        return "http://127.0.0.1:" + ports.get(service);
    }

    int port(String service) {
        return ports.get(service);
    }

    /** Where a service answers health and metrics: the gateway's management port, the others' own port. */
    int operationsPort(String service) {
        return "api-gateway".equals(service) ? gatewayManagementPort : ports.get(service);
    }

    TestDatabase database(String service) {
        return databases.get(service);
    }

    String databaseKind() {
        return databases.get("order-service").kind().name();
    }

    /** Sets an environment variable for a service's next start (e.g. to reach another through a proxy). */
    ShopProcesses withEnv(String service, String name, String value) {
        extraEnv.get(service).put(name, value);
        return this;
    }

    /** Runs a service in another profile than {@code local} ({@code production}: the production defaults). */
    ShopProcesses withProfile(String service, String profile) {
        this.profiles.put(service, profile);
        return this;
    }

    /** Starts all three and waits until each reports ready; if one does not, stops them all. */
    ShopProcesses start() throws Exception {
        try {
            for (String service : SERVICES) {
                launch(service);
            }
            for (String service : SERVICES) {
                awaitReady(service);
            }
            return this;
        } catch (Exception | Error e) {
            stop();
            throw e;
        }
    }

    /** Starts one service (again) and waits until it is ready; if it does not get there, kills it. */
    void restart(String service) throws Exception {
        launch(service);
        try {
            awaitReady(service);
        } catch (IllegalStateException e) {
            kill(service);
            throw e;
        }
    }

    /** {@code kill -9}: no shutdown hook, no graceful anything. */
    void kill(String service) throws InterruptedException {
        Process process = processes.remove(service);
        if (process != null) {
            process.destroyForcibly().waitFor();
        }
    }

    /** SIGTERM, as Kubernetes or an operator stops a service, and waits for it to exit. */
    void terminate(String service) throws InterruptedException {
        Process process = processes.remove(service);
        if (process != null) {
            process.destroy();
            if (!process.waitFor(Duration.ofSeconds(40))) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** Stops all three as an operator would (SIGTERM), then waits for them to exit. */
    void stop() throws InterruptedException {
        for (String service : SERVICES.reversed()) {
            terminate(service);
        }
    }

    String log(String service) {
        try {
            return Files.readString(dataDir.resolve(service + ".log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void launch(String service) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of(
                java, "-XX:+UseSerialGC", "-Xmx128m", "-jar", jar(service).toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dataDir.resolve(service + ".log").toFile()));
        Map<String, String> env = builder.environment();
        env.put("SHOP_PROFILE", profiles.getOrDefault(service, "local"));
        env.put("SHOP_DATA_DIR", dataDir.toString());
        env.put("PAYMENT_SERVICE_PORT", String.valueOf(ports.get("payment-service")));
        env.put("ORDER_SERVICE_PORT", String.valueOf(ports.get("order-service")));
        env.put("API_GATEWAY_PORT", String.valueOf(ports.get("api-gateway")));
        env.put("API_GATEWAY_MANAGEMENT_PORT", String.valueOf(gatewayManagementPort));
        env.put("PAYMENT_SERVICE_URL", internalUrl("payment-service"));
        env.put("ORDER_SERVICE_URL", internalUrl("order-service"));
        TestDatabase database = databases.get(service);
        if (database != null) {
            env.put("SHOP_DB_URL", database.url());
            env.put("SHOP_DB_USER", database.username());
            env.put("SHOP_DB_PASSWORD", database.password());
        }
        env.putAll(extraEnv.get(service));
        processes.put(service, builder.start());
    }

    private void awaitReady(String service) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(90);
        while (!ready(service)) {
            Process process = processes.get(service);
            if (Instant.now().isAfter(deadline) || process == null || !process.isAlive()) {
                throw new IllegalStateException(service + " did not become ready; its log:\n" + log(service));
            }
            Thread.sleep(100);
        }
    }

    /** Whether the service answers its readiness probe with 200. */
    boolean ready(String service) {
        // The gateway's management port is plain HTTP whatever its public port serves.
        return ready("api-gateway".equals(service) ? "http" : internalScheme, operationsPort(service));
    }

    ProcessHandle handle(String service) {
        return processes.get(service).toHandle();
    }

    private boolean ready(String scheme, int port) {
        try {
            var request = HttpRequest.newBuilder(
                            URI.create(scheme + "://127.0.0.1:" + port + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(1))
                    .build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
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
