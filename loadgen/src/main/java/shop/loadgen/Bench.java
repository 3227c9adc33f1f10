package shop.loadgen;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * {@code ./shop bench}'s measurement, once {@code ./shop} has started the services on fresh
 * PostgreSQL databases: a warm-up, an open-loop rate sweep and a closed-loop maximum (see {@link
 * BenchPlan}), each step's CPU (cores, and microseconds per order) and memory per service and
 * PostgreSQL's CPU per order when its server runs on this machine; then, once the orders answered 202 have
 * settled, the consistency check on both databases ({@link Consistency}) and a table. Exits 1 when
 * the check fails, 2 on a bad option or setting.
 *
 * <pre>
 * java -cp loadgen-exec.jar shop.loadgen.Bench --plan    # the steps the settings give, or why they are refused
 * java -cp loadgen-exec.jar shop.loadgen.Bench --gateway URL --orders-db JDBC_URL --payments-db JDBC_URL
 *     --logs DIR --out DIR --service NAME=PID...
 * </pre>
 *
 * The databases' user and password are the services' own settings, {@code SHOP_POSTGRES_USER}
 * (default postgres) and {@code SHOP_POSTGRES_PASSWORD}.
 */
public final class Bench {

    private static final String API_KEY = "local-gregor-key";
    private static final Duration SETTLE_DEADLINE = Duration.ofMinutes(1);

    /** Where to load and what to watch. */
    record Options(URI gateway, String ordersDb, String paymentsDb, Path out, List<ServiceProcess> services) {

        static Options parse(String... args) {
            if (args.length % 2 != 0) {
                throw new IllegalArgumentException("Every option takes a value: " + String.join(" ", args));
            }
            String gateway = null;
            String orders = null;
            String payments = null;
            Path logs = null;
            Path out = null;
            List<String> services = new ArrayList<>();
            for (int i = 0; i < args.length; i += 2) {
                String value = args[i + 1];
                switch (args[i]) {
                    case "--gateway" -> gateway = value;
                    case "--orders-db" -> orders = jdbc("--orders-db", value);
                    case "--payments-db" -> payments = jdbc("--payments-db", value);
                    case "--logs" -> logs = Path.of(value);
                    case "--out" -> out = Path.of(value);
                    case "--service" -> services.add(value);
                    default -> throw new IllegalArgumentException("Unknown option " + args[i]);
                }
            }
            if (gateway == null
                    || orders == null
                    || payments == null
                    || logs == null
                    || out == null
                    || services.isEmpty()) {
                throw new IllegalArgumentException(
                        "Give --gateway, --orders-db, --payments-db, --logs, --out and a --service NAME=PID for each service");
            }
            Path logDir = logs;
            return new Options(
                    Settings.gateway(gateway),
                    orders,
                    payments,
                    out,
                    services.stream().map(s -> ServiceProcess.parse(s, logDir)).toList());
        }

        private static String jdbc(String option, String value) {
            if (!value.startsWith("jdbc:postgresql://")) {
                throw new IllegalArgumentException(option + " must be a jdbc:postgresql:// URL (it is " + value + ")");
            }
            return value;
        }
    }

    /** One step's table row and the orders it had acknowledged. */
    private record Step(String row, List<String> acknowledged) {}

    private final Options options;
    private final BenchPlan plan;
    private final Map<String, String> env;
    private final PrintStream out;

    Bench(Options options, BenchPlan plan, Map<String, String> env, PrintStream out) {
        this.options = options;
        this.plan = plan;
        this.env = env;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Bench bench;
        try {
            BenchPlan plan = BenchPlan.fromEnvironment(System.getenv());
            if (List.of(args).equals(List.of("--plan"))) {
                // ./shop asks first, before it starts the services: a wrong setting stops it then.
                System.out.println("bench: " + plan);
                return;
            }
            bench = new Bench(Options.parse(args), plan, System.getenv(), System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(bench.run() ? 0 : 1);
    }

    /** Runs every step, then the check; true when every acknowledged order is where it should be. */
    boolean run() throws IOException, InterruptedException, SQLException {
        Files.createDirectories(options.out());
        List<Long> logStarts =
                options.services().stream().map(ServiceProcess::logSize).toList();
        List<String> acknowledged = new ArrayList<>();
        List<String> rows = new ArrayList<>();
        if (!plan.warmUp().isZero()) {
            say(
                    "warming up: %d s at %d clients (the JIT compiles the hot paths)",
                    plan.warmUp().toSeconds(), BenchPlan.WARM_UP_CLIENTS);
            acknowledged.addAll(
                    step("warm-up", 0, BenchPlan.WARM_UP_CLIENTS, plan.warmUp()).acknowledged());
        }
        for (int rate : plan.rates()) {
            say("open loop: %d orders/s for %d s", rate, plan.step().toSeconds());
            Step step = step("rate-" + rate, rate, 0, plan.step());
            rows.add(step.row());
            acknowledged.addAll(step.acknowledged());
        }
        say(
                "maximum throughput: %d clients for %d s",
                BenchPlan.MAXIMUM_CLIENTS, plan.step().toSeconds());
        Step maximum = step("max", 0, BenchPlan.MAXIMUM_CLIENTS, plan.step());
        rows.add(maximum.row());
        acknowledged.addAll(maximum.acknowledged());
        Files.write(options.out().resolve("acknowledged.ids"), acknowledged);

        say("waiting for orders answered 202 to settle, then checking every acknowledged order");
        Consistency.Report report;
        try (Connection orders = connect(options.ordersDb());
                Connection payments = connect(options.paymentsDb())) {
            awaitSettled(orders);
            report = Consistency.check(orders, payments, acknowledged);
        }
        List<String> table = new ArrayList<>();
        table.add("");
        table.add(header());
        table.addAll(rows);
        table.forEach(out::println);
        say("consistency: %s", report);
        long blocked = 0;
        for (int i = 0; i < options.services().size(); i++) {
            blocked += options.services().get(i).linesContaining("has been blocked for", logStarts.get(i));
        }
        say(
                "trace sampling: %s (SHOP_TRACE_SAMPLING); event loop blocked-thread warnings: %d",
                env.getOrDefault("SHOP_TRACE_SAMPLING", "1.0"), blocked);
        table.add("consistency: " + report);
        Files.write(options.out().resolve("table.txt"), table);
        say("details: %s", options.out());
        return report.holds();
    }

    /** One load step: the load generator, and each service's CPU (cores, over the step) and memory at its end. */
    private Step step(String name, int rate, int concurrency, Duration duration)
            throws IOException, InterruptedException {
        List<Duration> cpuBefore =
                options.services().stream().map(ServiceProcess::cpu).toList();
        Duration databaseBefore = ServiceProcess.databaseCpu();
        long started = System.nanoTime();
        Result result =
                new LoadGenerator(new Settings(options.gateway(), API_KEY, rate, concurrency, duration)).run(out);
        double seconds = (System.nanoTime() - started) / 1e9;
        result.errorKinds().forEach((kind, count) -> say("%d errors: %s", count, kind));
        StringBuilder row = new StringBuilder(result.row());
        long orders = result.acknowledged().size();
        Duration cpu = Duration.ZERO;
        for (int i = 0; i < options.services().size(); i++) {
            ServiceProcess service = options.services().get(i);
            Duration used = service.cpu().minus(cpuBefore.get(i));
            cpu = cpu.plus(used);
            row.append(" %7.2f %7s %6s"
                    .formatted(
                            used.toNanos() / 1e9 / seconds,
                            service.residentMegabytes().map(String::valueOf).orElse("-"),
                            perOrder(used, orders)));
        }
        row.append(" %11s".formatted(perOrder(cpu, orders)));
        Duration database = ServiceProcess.databaseCpu().minus(databaseBefore);
        row.append(" %10s".formatted(database.isZero() ? "-" : perOrder(database, orders)));
        Files.write(options.out().resolve(name + ".ids"), result.acknowledged(), StandardOpenOption.CREATE_NEW);
        return new Step(row.toString(), result.acknowledged());
    }

    private String header() {
        StringBuilder header = new StringBuilder(Result.header());
        for (ServiceProcess service : options.services()) {
            header.append(" %22s".formatted(service.name().split("-")[0] + " cpu/MB/us/ord"));
        }
        return header.append(" %11s %10s".formatted("cpu us/ord", "pg us/ord")).toString();
    }

    /** Microseconds of CPU per acknowledged order, or "-" for none. */
    private static String perOrder(Duration cpu, long orders) {
        return orders == 0 ? "-" : String.valueOf(cpu.toNanos() / 1000 / orders);
    }

    /** Waits, up to a minute, for no order to be PENDING: the recovery job finishes those answered 202. */
    private void awaitSettled(Connection orders) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + SETTLE_DEADLINE.toNanos();
        long pending;
        while ((pending = Consistency.pending(orders)) > 0 && System.nanoTime() < deadline) {
            say("%d orders still PENDING", pending);
            Thread.sleep(1000);
        }
    }

    private Connection connect(String url) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", env.getOrDefault("SHOP_POSTGRES_USER", "postgres"));
        properties.setProperty("password", env.getOrDefault("SHOP_POSTGRES_PASSWORD", ""));
        // Every wait has a deadline: connecting, and each query of the check.
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("socketTimeout", "120");
        return DriverManager.getConnection(url, properties);
    }

    private void say(String format, Object... args) {
        out.println("bench: " + format.formatted(args));
    }
}
