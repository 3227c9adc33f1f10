package shop.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import shop.testing.TestDatabase;
import shop.testing.TestTls;

/** {@code ./shop run} as a person uses it: start, order, Ctrl-C, start again, and its refusals. */
class ShopCommandSystemTest {

    private static final Path SHOP = ShopProcesses.ROOT.resolve("shop");

    /** Embedded databases always; PostgreSQL too when a server answers (always with CI=true). */
    static List<String> storages() {
        boolean postgres = TestDatabase.postgresReachable() || "true".equalsIgnoreCase(System.getenv("CI"));
        return postgres ? List.of("embedded", "postgres") : List.of("embedded");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("storages")
    void runsTheWholeSystemStopsOnCtrlCAndKeepsItsDataAcrossRestarts(String storage) throws Exception {
        Path data = Files.createTempDirectory("shop-run");
        Map<String, String> env = new HashMap<>(ports());
        List<String> args = new ArrayList<>(List.of("run"));
        String prefix = "shop_test_run_" + UUID.randomUUID().toString().substring(0, 8) + "_";
        if (storage.equals("postgres")) {
            args.add("--postgres");
            env.put("SHOP_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432");
            env.put("SHOP_POSTGRES_DB_PREFIX", prefix);
        }
        String gatewayUrl = "http://127.0.0.1:" + env.get("API_GATEWAY_PORT");
        String orderId;
        try (Run run = Run.start(data, env, args)) {
            run.awaitLine("Shop is up at http://localhost:" + env.get("API_GATEWAY_PORT"), Duration.ofSeconds(90));
            var placed = new Gateway(gatewayUrl)
                    .post("/orders", Gateway.GREGOR, "{\"item\":\"t-shirt\",\"price\":100,\"customer\":\"Gregor\"}");
            assertThat(placed.status()).isEqualTo(201);
            orderId = placed.json().get("id").asText();
            run.interruptAndAwaitExit();
        }
        Map<String, String> keys = internalKeys(data);
        assertThat(keys.get("api-gateway"))
                .as("each service holds the keys of its own pairs only")
                .contains("api-gateway order-service run-", "api-gateway payment-service run-")
                .doesNotContain("order-service payment-service");
        assertThat(keys.get("order-service"))
                .contains("api-gateway order-service run-", "order-service payment-service run-")
                .doesNotContain("api-gateway payment-service");
        assertThat(keys.get("payment-service"))
                .contains("api-gateway payment-service run-", "order-service payment-service run-")
                .doesNotContain("api-gateway order-service");
        if (storage.equals("embedded")) {
            assertThat(Files.list(data).map(p -> p.getFileName().toString()))
                    .as("embedded databases are files in the data folder")
                    .anyMatch(name -> name.startsWith("orders"))
                    .anyMatch(name -> name.startsWith("payments"));
        }
        try (Run again = Run.start(data, env, args)) {
            again.awaitLine("Shop is up", Duration.ofSeconds(90));
            Gateway gateway = new Gateway(gatewayUrl);
            var order = gateway.get("/orders/" + orderId, Gateway.GREGOR);
            assertThat(order.status()).isEqualTo(200);
            assertThat(order.json().get("status").asText()).isEqualTo("PAID");
            assertThat(gateway.get("/transactions?orderId=" + orderId, Gateway.ADMIN)
                            .json())
                    .hasSize(1);
            again.interruptAndAwaitExit();
            assertThat(internalKeys(data)).as("fresh keys every run").isNotEqualTo(keys);
        } finally {
            if (storage.equals("postgres")) {
                dropDatabases(prefix);
            }
        }
    }

    /** The internal-auth keys {@code ./shop run} made for each service, by service. */
    private static Map<String, String> internalKeys(Path data) throws IOException {
        Map<String, String> keys = new HashMap<>();
        for (String service : ShopProcesses.SERVICES) {
            keys.put(service, Files.readString(data.resolve("run/internal-auth/" + service + ".keys")));
        }
        return keys;
    }

    @Test
    void servesHttpsOnEveryPortWithAThrowawayCertificateWithTls() throws Exception {
        Path data = Files.createTempDirectory("shop-tls");
        Map<String, String> env = new HashMap<>(ports());
        try (Run run = Run.start(data, env, List.of("run", "--tls"))) {
            run.awaitLine("Shop is up at https://localhost:" + env.get("API_GATEWAY_PORT"), Duration.ofSeconds(90));
            Path certificate = data.resolve("run/tls/ca.crt");
            assertThat(data.resolve("run/tls/tls.crt")).exists();
            assertThat(data.resolve("run/tls/tls.key")).exists();
            Gateway gateway =
                    new Gateway("https://127.0.0.1:" + env.get("API_GATEWAY_PORT"), TestTls.trusting(certificate));
            var placed = gateway.post("/orders", Gateway.GREGOR, "{\"item\":\"t-shirt\"}");
            assertThat(placed.status()).isEqualTo(201);
            assertThat(placed.header("Strict-Transport-Security")).isNotNull();
            assertThat(Files.readString(data.resolve("logs/order-service.log")))
                    .as("one setting, SHOP_TLS_DIR, and the internal hops are TLS too")
                    .contains("calls to payment-service over TLS (SHOP_TLS_DIR)");
            run.interruptAndAwaitExit();
        }
    }

    // Defect: the data folder, the embedded databases, the logs, the internal keys and the TLS key were readable by
    // every local user (the umask's 0755 folders and 0644 files).

    @Test
    void keepsItsDataLogsAndKeysToItsOwner() throws Exception {
        Path data = Files.createTempDirectory("shop-modes").resolve("data");
        // As an earlier ./shop under the usual umask left them.
        Files.createDirectories(data.resolve("logs"));
        Files.writeString(data.resolve("logs/order-service.log"), "an earlier run\n");
        Files.createFile(data.resolve("orders.mv.db"));
        for (Path earlier : List.of(data, data.resolve("logs"))) {
            Files.setPosixFilePermissions(earlier, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        for (Path earlier : List.of(data.resolve("logs/order-service.log"), data.resolve("orders.mv.db"))) {
            Files.setPosixFilePermissions(earlier, PosixFilePermissions.fromString("rw-r--r--"));
        }
        Map<String, String> env = new HashMap<>(ports());
        try (Run run = Run.start(data, env, List.of("run", "--tls"))) {
            run.awaitLine("Shop is up", Duration.ofSeconds(90));
            Gateway gateway = new Gateway(
                    "https://127.0.0.1:" + env.get("API_GATEWAY_PORT"),
                    TestTls.trusting(data.resolve("run/tls/ca.crt")));
            assertThat(gateway.post("/orders", Gateway.GREGOR, "{\"item\":\"t-shirt\"}")
                            .status())
                    .isEqualTo(201);
            Map<String, String> modes = new java.util.TreeMap<>();
            try (var paths = Files.walk(data)) {
                for (Path path : paths.toList()) {
                    modes.put(
                            data.relativize(path).toString(),
                            PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
                }
            }
            assertThat(modes.keySet())
                    .contains(
                            "",
                            "logs",
                            "logs/api-gateway.log",
                            "logs/order-service.log",
                            "logs/payment-service.log",
                            "run/internal-auth",
                            "run/internal-auth/api-gateway.keys",
                            "run/internal-auth/order-service.keys",
                            "run/internal-auth/payment-service.keys",
                            "run/tls/tls.key",
                            "run/tls/tls.crt",
                            "run/tls/ca.crt",
                            "orders.mv.db",
                            "payments.mv.db");
            modes.forEach((path, mode) -> assertThat(mode)
                    .as(path.isEmpty() ? "the data folder" : path)
                    .isEqualTo(Files.isDirectory(data.resolve(path)) ? "rwx------" : "rw-------"));
            run.interruptAndAwaitExit();
        }
    }

    @Test
    void startsAServiceAgainWhenItDiesWhileTheOthersKeepServing() throws Exception {
        Map<String, String> env = new HashMap<>(ports());
        String gatewayUrl = "http://127.0.0.1:" + env.get("API_GATEWAY_PORT");
        try (Run run = Run.start(Files.createTempDirectory("shop-supervise"), env, List.of("run"))) {
            assertThat(run.linesBefore("starting api-gateway", Duration.ofSeconds(90)))
                    .as("the gateway starts only once the services behind it are ready")
                    .anyMatch(line -> line.contains("starting order-service"));
            run.awaitLine("Shop is up", Duration.ofSeconds(90));
            ProcessHandle orderService = run.process()
                    .descendants()
                    .filter(p -> p.info()
                            .arguments()
                            .map(args -> String.join(" ", args).contains("order-service"))
                            .orElse(false))
                    .findFirst()
                    .orElseThrow();
            orderService.destroyForcibly();
            run.awaitLine("order-service stopped unexpectedly", Duration.ofSeconds(10));
            Gateway gateway = new Gateway(gatewayUrl);
            assertThat(gateway.get("/products", null).status())
                    .as("the catalog is order-service's: down meanwhile")
                    .isIn(200, 503);
            run.awaitLine("restarting order-service", Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> gateway.post("/orders", Gateway.GREGOR, "{\"item\":\"t-shirt\"}")
                                    .status()
                            == 201);
            run.interruptAndAwaitExit();
        }
    }

    /**
     * {@code ./shop bench} in short steps on PostgreSQL: the plan, the services started, a row per
     * step with each service's CPU and memory, every acknowledged order checked, the details kept.
     */
    @Test
    void benchmarksOnFreshDatabasesAndChecksEveryAcknowledgedOrder() throws Exception {
        Path data = Files.createTempDirectory("shop-bench");
        Map<String, String> env = new HashMap<>(ports());
        String prefix = "shop_test_bench_" + UUID.randomUUID().toString().substring(0, 8) + "_";
        env.putAll(Map.of(
                "SHOP_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432",
                "SHOP_POSTGRES_DB_PREFIX", prefix,
                "SHOP_BENCH_WARMUP", "3",
                "SHOP_BENCH_STEP", "2",
                "SHOP_BENCH_RATES", "20 40"));
        try (Run run = Run.start(data, env, List.of("bench"))) {
            assertThat(run.awaitExit(Duration.ofMinutes(3)))
                    .as("%s", run.output())
                    .isZero();
            List<String> lines = run.output();
            assertThat(lines)
                    .contains("shop: a 3 s warm-up at 32 clients, 20 40 orders/s for 2 s each, 64 clients for 2 s:"
                            + " about 1 min")
                    .anyMatch(line -> line.startsWith("shop: each ready after: payment-service"));
            String header = lines.stream()
                    .filter(line -> line.startsWith("load "))
                    .findFirst()
                    .orElseThrow();
            assertThat(header.split(" {2,}"))
                    .containsExactly(
                            "load",
                            "orders/s",
                            "p50 ms",
                            "p95 ms",
                            "p99 ms",
                            "max ms",
                            "errors",
                            "payment cpu/MB/us/ord",
                            "order cpu/MB/us/ord",
                            "api cpu/MB/us/ord",
                            "cpu us/ord",
                            "pg us/ord");
            for (String load : List.of("20 orders/s offered", "40 orders/s offered", "64 clients")) {
                String row = lines.stream()
                        .filter(line -> line.startsWith(load + " "))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no row for " + load + ": " + lines));
                String[] numbers = row.substring(load.length()).strip().split(" +");
                assertThat(numbers).as(row).hasSize(17).allMatch(number -> number.matches("[0-9]+(\\.[0-9]+)?"));
                assertThat(Double.parseDouble(numbers[0]))
                        .as("orders/s of " + row)
                        .isPositive();
                assertThat(Long.parseLong(numbers[5])).as("errors of " + row).isZero();
                for (int service = 0; service < 3; service++) {
                    assertThat(Long.parseLong(numbers[8 + 3 * service]))
                            .as("a service's CPU per order in " + row)
                            .isPositive();
                }
                assertThat(Long.parseLong(numbers[15]))
                        .as("CPU per order of " + row)
                        .isPositive();
                assertThat(Long.parseLong(numbers[16]))
                        .as("PostgreSQL's CPU per order of " + row)
                        .isPositive();
            }
            String consistency = lines.stream()
                    .filter(line -> line.startsWith("bench: consistency: "))
                    .findFirst()
                    .orElseThrow();
            assertThat(consistency)
                    .matches("bench: consistency: [1-9][0-9]* acknowledged orders: 0 missing,"
                            + " 0 charged wrongly, 0 still pending");
            assertThat(lines)
                    .contains(
                            "bench: trace sampling: 1.0 (SHOP_TRACE_SAMPLING); event loop blocked-thread warnings: 0");
            try (var runs = Files.list(data.resolve("bench"))) {
                Path details = runs.findFirst().orElseThrow();
                assertThat(lines).contains("bench: details: " + details);
                long acknowledged = Long.parseLong(consistency.replaceAll("^bench: consistency: ([0-9]+) .*", "$1"));
                assertThat(Files.readAllLines(details.resolve("acknowledged.ids")))
                        .hasSize((int) acknowledged);
                assertThat(Files.readString(details.resolve("table.txt"))).contains(header, consistency.substring(7));
                assertThat(details.resolve("bench.log")).isNotEmptyFile();
            }
        } finally {
            dropDatabases(prefix);
        }
    }

    @Test
    void refusesAWrongBenchSettingBeforeStartingAnything() throws Exception {
        Map<String, String> env = new HashMap<>(ports());
        env.put("SHOP_BENCH_RATES", "250,500");
        try (Run run = Run.start(Files.createTempDirectory("shop-bench-refused"), env, List.of("bench"))) {
            assertThat(run.awaitExit()).isNotZero();
            assertThat(run.output())
                    .last()
                    .asString()
                    .isEqualTo("shop: SHOP_BENCH_RATES must be orders a second separated by spaces, such as 250 500"
                            + " (it is 250,500)");
            assertThat(run.output()).noneMatch(line -> line.contains("starting"));
        }
    }

    @Test
    void saysInOneLineWhenNoPostgresAnswers() throws Exception {
        Map<String, String> env = new HashMap<>(ports());
        env.put("SHOP_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:" + ShopProcesses.freePort());
        try (Run run = Run.start(Files.createTempDirectory("shop-nopg"), env, List.of("run", "--postgres"))) {
            assertThat(run.awaitExit()).isNotZero();
            assertThat(run.output()).singleElement().asString().contains("no PostgreSQL server answers");
        }
    }

    @Test
    void stopsEveryServiceOnCtrlCEvenWhenItsOutputIsGone() throws Exception {
        Path log = Files.createTempFile("shop-run", ".log");
        // `./shop run | tee log` in a terminal of its own; Ctrl-C reaches the whole foreground group,
        // tee dies with it, and the script must still stop the services.
        ProcessBuilder builder = new ProcessBuilder(
                        "setsid", "bash", "-c", "bash '" + SHOP + "' run | tee '" + log + "'")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(ports());
        builder.environment()
                .put("SHOP_DATA_DIR", Files.createTempDirectory("shop-pipe").toString());
        Process group = builder.start();
        try {
            Instant deadline = Instant.now().plusSeconds(90);
            while (!Files.readString(log).contains("Shop is up")) {
                assertThat(Instant.now()).as("shop run did not come up").isBefore(deadline);
                Thread.sleep(200);
            }
            List<ProcessHandle> services = group.descendants()
                    .filter(p -> p.info()
                            .command()
                            .map(command -> command.endsWith("java"))
                            .orElse(false))
                    .toList();
            assertThat(services).hasSize(3);
            new ProcessBuilder("kill", "-INT", "--", "-" + group.pid()).start().waitFor();
            assertThat(group.waitFor(60, TimeUnit.SECONDS)).isTrue();
            Instant stopped = Instant.now().plusSeconds(40);
            while (services.stream().anyMatch(ProcessHandle::isAlive)
                    && Instant.now().isBefore(stopped)) {
                Thread.sleep(200);
            }
            assertThat(services).as("no JVM left running").noneMatch(ProcessHandle::isAlive);
        } finally {
            group.descendants().forEach(ProcessHandle::destroyForcibly);
            group.destroyForcibly();
        }
    }

    @Test
    void refusesAPortInUseInOneLine() throws Exception {
        Map<String, String> ports = ports();
        int taken = Integer.parseInt(ports.get("ORDER_SERVICE_PORT"));
        try (ServerSocket squatter = new ServerSocket(taken, 1, InetAddress.getLoopbackAddress());
                Run run = Run.start(Files.createTempDirectory("shop-port"), ports, List.of("run"))) {
            assertThat(run.awaitExit()).isNotZero();
            assertThat(run.output())
                    .singleElement()
                    .asString()
                    .contains("port " + taken + " is in use")
                    .contains("ORDER_SERVICE_PORT");
        }
    }

    @Test
    void saysInOneLineThatAJdk25IsMissing() throws Exception {
        Path bin = Files.createTempDirectory("old-java");
        Path fakeJava = bin.resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\necho '    java.specification.version = 17' >&2\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env =
                Map.of("PATH", bin + ":/usr/bin:/bin", "JAVA_HOME", "", "SHOP_JDK_DIRS", "/nonexistent/*");
        try (Run run = Run.start(Files.createTempDirectory("shop-jdk"), env, List.of("run"))) {
            assertThat(run.awaitExit()).isNotZero();
            assertThat(run.output()).singleElement().asString().contains("needs a JDK 25");
        }
    }

    @Test
    void saysInOneLineThatTheBuildFailed() throws Exception {
        Path data = Files.createTempDirectory("shop-build");
        // An option Maven does not know makes the build fail at once, as a broken build would.
        try (Run run = Run.start(data, Map.of("MAVEN_ARGS", "--no-such-maven-option"), List.of("build"))) {
            assertThat(run.awaitExit()).isNotZero();
            assertThat(run.output())
                    .last()
                    .asString()
                    .startsWith("shop: the build failed; see ")
                    .contains(data.resolve("logs/build.log").toString());
            assertThat(run.output()).hasSizeLessThanOrEqualTo(2).noneMatch(line -> line.contains("Exception"));
        }
    }

    private static void dropDatabases(String prefix) throws Exception {
        for (String service : List.of("orders", "payments")) {
            new ProcessBuilder(
                            "psql",
                            "-h",
                            "127.0.0.1",
                            "-U",
                            "postgres",
                            "-d",
                            "postgres",
                            "-qc",
                            "drop database if exists " + prefix + service + " with (force)")
                    .inheritIO()
                    .start()
                    .waitFor();
        }
    }

    private static Map<String, String> ports() throws IOException {
        return Map.of(
                "API_GATEWAY_PORT",
                String.valueOf(ShopProcesses.freePort()),
                "API_GATEWAY_MANAGEMENT_PORT",
                String.valueOf(ShopProcesses.freePort()),
                "ORDER_SERVICE_PORT",
                String.valueOf(ShopProcesses.freePort()),
                "PAYMENT_SERVICE_PORT",
                String.valueOf(ShopProcesses.freePort()));
    }

    /** One {@code ./shop run}, its output collected line by line. */
    private record Run(Process process, List<String> lines) implements AutoCloseable {

        static Run start(Path data, Map<String, String> env, List<String> args) throws IOException {
            // Under the umask of most shells, whatever this JVM's is: what ./shop writes must be owner-only all the
            // same.
            List<String> command =
                    new ArrayList<>(List.of("bash", "-c", "umask 022 && exec bash \"$0\" \"$@\"", SHOP.toString()));
            command.addAll(args);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("SHOP_DATA_DIR", data.toString());
            builder.environment().putAll(env);
            Process process = builder.start();
            List<String> lines = new CopyOnWriteArrayList<>();
            Thread.ofVirtual().start(() -> {
                try (var reader =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    reader.lines().forEach(lines::add);
                } catch (IOException e) {
                    lines.add("(output lost: " + e.getMessage() + ")");
                }
            });
            return new Run(process, lines);
        }

        void awaitLine(String text, Duration timeout) throws InterruptedException {
            Instant deadline = Instant.now().plus(timeout);
            while (lines.stream().noneMatch(line -> line.contains(text))) {
                assertThat(process.isAlive()).as("shop run exited: %s", lines).isTrue();
                assertThat(Instant.now()).as("no '%s' yet: %s", text, lines).isBefore(deadline);
                Thread.sleep(200);
            }
        }

        /** The lines printed before the first that contains {@code text}, once it is printed. */
        List<String> linesBefore(String text, Duration timeout) throws InterruptedException {
            awaitLine(text, timeout);
            List<String> before = new ArrayList<>();
            for (String line : lines) {
                if (line.contains(text)) {
                    return before;
                }
                before.add(line);
            }
            return before;
        }

        /** Ctrl-C, as in a terminal: SIGINT to the script; then every JVM it started must be gone. */
        void interruptAndAwaitExit() throws Exception {
            List<ProcessHandle> services = process.descendants()
                    .filter(p -> p.info()
                            .command()
                            .map(command -> command.endsWith("java"))
                            .orElse(false))
                    .toList();
            assertThat(services).as("three service JVMs").hasSize(3);
            new ProcessBuilder("kill", "-INT", String.valueOf(process.pid()))
                    .start()
                    .waitFor();
            assertThat(process.waitFor(60, TimeUnit.SECONDS))
                    .as("shop run stops on Ctrl-C")
                    .isTrue();
            assertThat(services).as("no JVM left running").noneMatch(ProcessHandle::isAlive);
            // The output is read on another thread, which may not have the last line yet.
            Instant printed = Instant.now().plusSeconds(5);
            while (lines.stream().noneMatch(line -> line.contains("stopped"))
                    && Instant.now().isBefore(printed)) {
                Thread.sleep(50);
            }
            assertThat(lines).anyMatch(line -> line.contains("stopped"));
        }

        int awaitExit() throws InterruptedException {
            return awaitExit(Duration.ofMinutes(1));
        }

        int awaitExit(Duration timeout) throws InterruptedException {
            assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
                    .isTrue();
            Thread.sleep(200);
            return process.exitValue();
        }

        List<String> output() {
            return lines;
        }

        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
