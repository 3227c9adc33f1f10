package shop.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import shop.defaults.Topology;

/**
 * The podman command, configured by the project rather than by the machine: runc (crun fails on
 * these machines' hybrid cgroups), the cgroupfs manager (no systemd), and container limits no
 * higher than this process's own (it cannot raise them). podman-compose runs with the same
 * configuration (it runs podman).
 */
final class Podman {

    /** Shop's services, in the order they start (each after those it calls). */
    static final List<String> SERVICES =
            Topology.SHOP.services().stream().map(Topology.Service::name).toList();

    /** How long a service may take to answer ready once its container runs. */
    private static final Duration READY_WITHIN = Duration.ofSeconds(180);

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path config;

    Podman(Path workDir) throws IOException {
        Files.createDirectories(workDir);
        config = workDir.resolve("containers.conf");
        Files.writeString(config, """
                [containers]
                default_ulimits = ["nofile=%d:%d", "nproc=4096:4096"]
                [engine]
                runtime = "runc"
                cgroup_manager = "cgroupfs"
                events_logger = "file"
                """.formatted(openFilesLimit(), openFilesLimit()));
    }

    /**
     * The images the build made (SHOP_IMAGE_BASE or -Pimages: each service's target/jib-image.tar),
     * when they and the commands named are here. With CI=true nothing may be missing (.ci/run
     * provides it all); elsewhere the test is skipped.
     */
    static List<Path> serviceImagesOrSkip(String... commands) {
        List<Path> images = SERVICES.stream()
                .map(s -> Kustomize.ROOT.resolve(s + "/target/jib-image.tar"))
                .toList();
        boolean ready =
                Stream.of(commands).allMatch(Podman::answers) && images.stream().allMatch(Files::exists);
        if ("true".equals(System.getenv("CI"))) {
            assertThat(ready)
                    .as("%s and the images (%s) are here: .ci/run makes them", List.of(commands), images)
                    .isTrue();
        }
        assumeTrue(
                ready,
                List.of(commands) + " or the images are missing: build them with SHOP_IMAGE_BASE set or -Pimages");
        return images;
    }

    /** Loads image tarballs into podman's store. */
    void load(List<Path> images) {
        for (Path image : images) {
            run("load", "--quiet", "--input", image.toString());
        }
    }

    /**
     * Waits until the service at {@code address} answers ready (its /actuator/health/readiness),
     * else fails with its last answer and the tail of the logs of PostgreSQL's and the services'
     * containers, which {@code container} names.
     */
    void awaitReady(String what, String address, UnaryOperator<String> container) throws InterruptedException {
        URI readiness = URI.create(address + "/actuator/health/readiness");
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> health = HTTP.send(
                        HttpRequest.newBuilder(readiness)
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
                last = health.statusCode() + " " + health.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(1000);
        }
        StringBuilder logs = new StringBuilder();
        for (String name :
                Stream.concat(Stream.of("postgres"), SERVICES.stream()).toList()) {
            logs.append("\n--- ")
                    .append(name)
                    .append('\n')
                    .append(tryRun(null, "logs", "--tail", "20", container.apply(name))
                            .output());
        }
        throw new AssertionError(what + " was not ready in " + READY_WITHIN.toSeconds() + " s (" + last + ")" + logs);
    }

    private static boolean answers(String command) {
        try {
            return new ProcessBuilder(command, "--version").start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs podman with the arguments, returns its output, fails on a non-zero exit. */
    String run(String... arguments) {
        Result result = tryRun(null, arguments);
        if (result.exit() != 0) {
            throw new IllegalStateException("podman " + String.join(" ", arguments) + " failed: " + result.output());
        }
        return result.output();
    }

    /** Runs podman with the arguments and standard input, whatever its exit. */
    Result tryRun(String input, String... arguments) {
        return execute(Map.of(), input, "podman", arguments);
    }

    /** Runs podman-compose with the arguments and these variables set, whatever its exit. */
    Result compose(Map<String, String> environment, String... arguments) {
        return execute(environment, null, "podman-compose", arguments);
    }

    private Result execute(Map<String, String> environment, String input, String program, String... arguments) {
        List<String> command = new ArrayList<>(List.of(program));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        builder.environment().put("CONTAINERS_CONF", config.toString());
        try {
            Process process = builder.start();
            try (var stdin = process.getOutputStream()) {
                if (input != null) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(program + " " + String.join(" ", arguments) + " took over 5 minutes");
            }
            return new Result(process.exitValue(), output.strip());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + program, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Result(int exit, String output) {}

    private static long openFilesLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                return Long.parseLong(line.substring(26).trim().split("\\s+")[1]);
            }
        }
        return 1024;
    }
}
