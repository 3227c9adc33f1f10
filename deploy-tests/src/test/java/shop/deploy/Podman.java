package shop.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The podman command, configured by the project rather than by the machine: runc (crun fails on
 * these machines' hybrid cgroups), the cgroupfs manager (no systemd), and container limits no
 * higher than this process's own (it cannot raise them).
 */
final class Podman {

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

    static boolean installed() {
        try {
            return new ProcessBuilder("podman", "--version").start().waitFor() == 0;
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
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
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
                throw new IllegalStateException("podman " + String.join(" ", arguments) + " took over 5 minutes");
            }
            return new Result(process.exitValue(), output.strip());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run podman", e);
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
