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
import shop.defaults.Topology;
import shop.testing.TestDatabase;
import shop.testing.TestTls;

/**
 * The three services as real processes, started from their built jars with the local profile,
 * each on its own fresh database: PostgreSQL when a server answers (required with CI=true),
 * else an H2 file. Each can be stopped, killed and restarted on its own.
 *
 * <p>A service runs as one process, named after the service, or as several replicas ({@link
 * #withReplica}): each named, on ports of its own, with its service's settings and database.
 * Every method that takes a name takes a replica's; a service's name is its first replica's.
 */
final class ShopProcesses implements AutoCloseable {

    static final Path ROOT =
            Path.of(System.getProperty("shop.root", "..")).toAbsolutePath().normalize();
    static final List<String> SERVICES =
            Topology.SHOP.services().stream().map(Topology.Service::name).toList();

    /** One process of a service, and the ports it listens on (the gateway's management port apart). */
    private record Replica(String service, int port, int operationsPort) {

        static Replica of(String service) throws IOException {
            int port = freePort();
            boolean managementApart =
                    Topology.SHOP.service(service).managementPort().isPresent();
            return new Replica(service, port, managementApart ? freePort() : port);
        }

        /** The settings that put it on its ports ({@code ORDER_SERVICE_PORT}, ...). */
        Map<String, String> portSettings() {
            Topology.Service known = Topology.SHOP.service(service);
            return known.managementPort().isPresent()
                    ? Map.of(
                            known.portVariable(),
                            String.valueOf(port),
                            known.managementPortVariable(),
                            String.valueOf(operationsPort))
                    : Map.of(known.portVariable(), String.valueOf(port));
        }
    }

    private final Path dataDir;
    /** By name, each service's first replica first. */
    private final Map<String, Replica> replicas = new LinkedHashMap<>();

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
            replicas.put(service, Replica.of(service));
            extraEnv.put(service, new LinkedHashMap<>());
        }
        databases.put("order-service", TestDatabase.create("system_orders"));
        databases.put("payment-service", TestDatabase.create("system_payments"));
    }

    String gatewayUrl() {
        return scheme + "://127.0.0.1:" + port("api-gateway");
    }

    /**
     * Another replica of {@code service}, called {@code name}, started with the others: on its own
     * ports, with the service's settings ({@link #withEnv}) and on the service's database, which
     * the replicas share (PostgreSQL only: an H2 file is one process's).
     */
    ShopProcesses withReplica(String service, String name) throws IOException {
        if (!SERVICES.contains(service) || replicas.containsKey(name)) {
            throw new IllegalArgumentException("no service " + service + ", or a replica " + name + " already");
        }
        replicas.put(name, Replica.of(service));
        return this;
    }

    /** The names of a service's replicas, its first (named after the service) first. */
    List<String> replicas(String service) {
        return replicas.entrySet().stream()
                .filter(replica -> replica.getValue().service().equals(service))
                .map(Map.Entry::getKey)
                .toList();
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
        return "http://127.0.0.1:" + port(service);
    }

    int port(String name) {
        return replica(name).port();
    }

    /** Where a replica answers health and metrics: a gateway's management port, the others' own port. */
    int operationsPort(String name) {
        return replica(name).operationsPort();
    }

    private Replica replica(String name) {
        Replica replica = replicas.get(name);
        if (replica == null) {
            throw new IllegalArgumentException("no replica " + name);
        }
        return replica;
    }

    TestDatabase database(String service) {
        return databases.get(service);
    }

    String databaseKind() {
        return databases.get("order-service").kind().name();
    }

    /**
     * Sets an environment variable for the next start of each of a service's replicas (e.g. to
     * reach another through a proxy).
     */
    ShopProcesses withEnv(String service, String name, String value) {
        extraEnv.get(service).put(name, value);
        return this;
    }

    /** Runs a service in another profile than {@code local} ({@code production}: the production defaults). */
    ShopProcesses withProfile(String service, String profile) {
        this.profiles.put(service, profile);
        return this;
    }

    /**
     * Starts all three and waits until each reports ready; if one does not, stops them all. With
     * replicas, the first of each service start together, then the second of each once those are
     * ready, and so on: six JVMs starting at once on a small machine starve each other, and a
     * service whose first database connection takes longer than its pool waits refuses to start.
     */
    ShopProcesses start() throws Exception {
        try {
            for (List<String> wave : startingWaves()) {
                for (String name : wave) {
                    launch(name);
                }
                for (String name : wave) {
                    awaitReady(name);
                }
            }
            return this;
        } catch (Exception | Error e) {
            stop();
            throw e;
        }
    }

    /** The replicas by their place in their service: every service's first, then every second, ... */
    private List<List<String>> startingWaves() {
        List<List<String>> waves = new ArrayList<>();
        for (String service : SERVICES) {
            List<String> names = replicas(service);
            for (int i = 0; i < names.size(); i++) {
                if (waves.size() == i) {
                    waves.add(new ArrayList<>());
                }
                waves.get(i).add(names.get(i));
            }
        }
        return waves;
    }

    /** Starts one replica (again) and waits until it is ready; if it does not get there, kills it. */
    void restart(String name) throws Exception {
        launch(name);
        try {
            awaitReady(name);
        } catch (IllegalStateException e) {
            kill(name);
            throw e;
        }
    }

    /** {@code kill -9}: no shutdown hook, no graceful anything. */
    void kill(String name) throws InterruptedException {
        Process process = processes.remove(name);
        if (process != null) {
            process.destroyForcibly().waitFor();
        }
    }

    /** SIGTERM, as Kubernetes or an operator stops a service, and waits for it to exit. */
    void terminate(String name) throws InterruptedException {
        Process process = processes.remove(name);
        if (process != null) {
            process.destroy();
            if (!process.waitFor(Duration.ofSeconds(40))) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** Stops all three as an operator would (SIGTERM), the gateways first, then waits for them to exit. */
    void stop() throws InterruptedException {
        for (String service : SERVICES.reversed()) {
            for (String name : replicas(service)) {
                terminate(name);
            }
        }
    }

    /** What a replica wrote, over all its starts. */
    String log(String name) {
        try {
            return Files.readString(dataDir.resolve(name + ".log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void launch(String name) throws IOException {
        Replica replica = replica(name);
        String service = replica.service();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of(
                java, "-XX:+UseSerialGC", "-Xmx128m", "-jar", jar(service).toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dataDir.resolve(name + ".log").toFile()));
        Map<String, String> env = builder.environment();
        env.put("SHOP_PROFILE", profiles.getOrDefault(service, "local"));
        env.put("SHOP_DATA_DIR", dataDir.toString());
        env.putAll(replica.portSettings());
        env.put("PAYMENT_SERVICE_URL", internalUrl("payment-service"));
        env.put("ORDER_SERVICE_URL", internalUrl("order-service"));
        TestDatabase database = databases.get(service);
        if (database != null) {
            env.put("SHOP_DB_URL", database.url());
            env.put("SHOP_DB_USER", database.username());
            env.put("SHOP_DB_PASSWORD", database.password());
        }
        env.putAll(extraEnv.get(service));
        processes.put(name, builder.start());
    }

    private void awaitReady(String name) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(90);
        while (!ready(name)) {
            Process process = processes.get(name);
            if (Instant.now().isAfter(deadline) || process == null || !process.isAlive()) {
                throw new IllegalStateException(name + " did not become ready; its log:\n" + log(name));
            }
            Thread.sleep(100);
        }
    }

    /** Whether the replica answers its readiness probe with 200. */
    boolean ready(String name) {
        HttpRequest probe = operationsRequest(name, "/actuator/health/readiness", Duration.ofSeconds(1));
        try {
            return http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The replica's Prometheus scrape: its own counts, since it last started. */
    String metrics(String name) throws IOException, InterruptedException {
        HttpResponse<String> scrape = http.send(
                operationsRequest(name, "/actuator/prometheus", Duration.ofSeconds(5)),
                HttpResponse.BodyHandlers.ofString());
        if (scrape.statusCode() != 200) {
            throw new IllegalStateException(name + " answered its metrics with " + scrape.statusCode());
        }
        return scrape.body();
    }

    private HttpRequest operationsRequest(String name, String path, Duration timeout) {
        // The gateway's management port is plain HTTP whatever its public port serves.
        String scheme = "api-gateway".equals(replica(name).service()) ? "http" : internalScheme;
        return HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + operationsPort(name) + path))
                .timeout(timeout)
                .build();
    }

    ProcessHandle handle(String name) {
        return processes.get(name).toHandle();
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
