package shop.system;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Debian's HAProxy in the role of Kubernetes Services: one frontend per service on a free loopback
 * port, whose backend is the service's replicas, each taken in while it answers its readiness
 * probe ({@code /actuator/health/readiness}, on a gateway's management port) and left out from the
 * third failed check. Connections are balanced, not requests ({@code mode tcp}), and nothing is
 * retried on another replica, as kube-proxy does: a client whose connection a killed replica held
 * sees it fail, and a new one goes to a ready replica. Runs as a child process ({@code haproxy -f
 * <file> -db}), killed on {@link #close}.
 */
final class Balancers implements AutoCloseable {

    static final Path HAPROXY = Path.of(System.getenv().getOrDefault("SHOP_TEST_HAPROXY", "/usr/sbin/haproxy"));

    /** How a server looks in HAProxy's statistics once its checks have settled. */
    enum Check {
        UP,
        DOWN
    }

    private final Map<String, Integer> frontends;
    private final int statsPort;
    private final Path log;
    private final Process process;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private Balancers(Map<String, Integer> frontends, int statsPort, Path log, Process process) {
        this.frontends = frontends;
        this.statsPort = statsPort;
        this.log = log;
        this.process = process;
    }

    static boolean installed() {
        return Files.isExecutable(HAPROXY);
    }

    /**
     * Starts HAProxy in front of every replica {@code shop} will run (their ports are known before
     * they start): until a replica is ready, its checks keep it out.
     */
    static Balancers start(ShopProcesses shop, Path dir) throws IOException, InterruptedException {
        Map<String, Integer> frontends = new LinkedHashMap<>();
        for (String service : ShopProcesses.SERVICES) {
            frontends.put(service, ShopProcesses.freePort());
        }
        int statsPort = ShopProcesses.freePort();
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, config(shop, frontends, statsPort));
        Path log = dir.resolve("haproxy.log");
        Process process = new ProcessBuilder(HAPROXY.toString(), "-f", config.toString(), "-db")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Balancers balancers = new Balancers(frontends, statsPort, log, process);
        try {
            balancers.awaitStatistics();
        } catch (IllegalStateException e) {
            balancers.close();
            throw e;
        }
        return balancers;
    }

    private static String config(ShopProcesses shop, Map<String, Integer> frontends, int statsPort) {
        StringBuilder config = new StringBuilder("""
                global
                    log stderr format raw local0 info
                    maxconn 4096

                defaults
                    mode tcp
                    log global
                    option tcplog
                    timeout connect 1s
                    # Longer than the services' own idle timeout: a service, not the balancer, closes an idle connection.
                    timeout client 60s
                    timeout server 60s
                    # As the manifests' readiness probe (2 s to answer, out after 3 misses), with a shorter period.
                    timeout check 2s
                    default-server inter 250ms fall 3 rise 2

                listen stats
                    mode http
                    bind 127.0.0.1:%d
                    stats enable
                    stats uri /stats
                """.formatted(statsPort));
        frontends.forEach((service, port) -> {
            config.append("""

                    frontend %1$s
                        bind 127.0.0.1:%2$d
                        default_backend %1$s

                    backend %1$s
                        balance roundrobin
                        option httpchk GET /actuator/health/readiness
                        http-check expect status 200
                    """.formatted(service, port));
            for (String replica : shop.replicas(service)) {
                config.append("    server %s 127.0.0.1:%d check port %d%n"
                        .formatted(replica, shop.port(replica), shop.operationsPort(replica)));
            }
        });
        return config.toString();
    }

    /** The URL a service's callers are given: its balancer's frontend. */
    String url(String service) {
        return "http://127.0.0.1:" + frontends.get(service);
    }

    /**
     * Waits until HAProxy sees each replica named as {@code check} says, and fails naming the
     * state it saw otherwise.
     */
    void await(Check check, List<String> replicas, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        Map<String, String> seen = states();
        while (!replicas.stream().allMatch(replica -> check.name().equals(seen.get(replica)))) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(
                        "HAProxy did not see " + replicas + " " + check + " within " + timeout + ": " + seen);
            }
            Thread.sleep(100);
            seen.clear();
            seen.putAll(states());
        }
    }

    /** Every server's state in HAProxy's statistics ({@code UP}, {@code DOWN}, {@code UP 1/2}, ...), by name. */
    private Map<String, String> states() throws InterruptedException {
        String csv = statistics();
        List<String> lines = csv.lines().toList();
        List<String> columns =
                Arrays.asList(lines.getFirst().replaceFirst("^# ", "").split(","));
        int name = columns.indexOf("svname");
        int status = columns.indexOf("status");
        return lines.stream()
                .skip(1)
                .map(line -> line.split(",", -1))
                .filter(row -> row.length > status && !row[name].equals("FRONTEND") && !row[name].equals("BACKEND"))
                .collect(Collectors.toMap(row -> row[name], row -> row[status], (a, b) -> a, LinkedHashMap::new));
    }

    private String statistics() throws InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statsPort + "/stats;csv"))
                .timeout(Duration.ofSeconds(2))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new IllegalStateException("HAProxy's statistics do not answer; its log:\n" + log(), e);
        }
    }

    private void awaitStatistics() throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(10);
        while (true) {
            try {
                statistics();
                return;
            } catch (IllegalStateException e) {
                if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    /** What HAProxy wrote: a line per connection, and each server's going down and up. */
    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }
}
