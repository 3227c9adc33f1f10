package shop.loadgen;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** A running service the benchmark watches: its process (for CPU and memory) and its log. */
record ServiceProcess(String name, long pid, Path log) {

    /** {@code name=pid}, the service's log being {@code <logs>/<name>.log}. */
    static ServiceProcess parse(String option, Path logs) {
        String[] parts = option.split("=", 2);
        if (parts.length != 2 || !parts[0].matches("[a-z][a-z0-9-]*") || !parts[1].matches("[1-9][0-9]{0,9}")) {
            throw new IllegalArgumentException("--service must be name=pid (it is " + option + ")");
        }
        return new ServiceProcess(parts[0], Long.parseLong(parts[1]), logs.resolve(parts[0] + ".log"));
    }

    /** The CPU time (user and system) the process has used so far; zero once it is gone. */
    Duration cpu() {
        return ProcessHandle.of(pid)
                .flatMap(process -> process.info().totalCpuDuration())
                .orElse(Duration.ZERO);
    }

    /**
     * The CPU time of every PostgreSQL process this user may see (the server's processes run as
     * the {@code postgres} user): zero when the server runs elsewhere. Connections that open and
     * close within a step are missed; the services' pools keep theirs open.
     */
    static Duration databaseCpu() {
        return ProcessHandle.allProcesses()
                .filter(process ->
                        process.info().user().filter("postgres"::equals).isPresent())
                .map(process -> process.info().totalCpuDuration().orElse(Duration.ZERO))
                .reduce(Duration.ZERO, Duration::plus);
    }

    /** Its resident memory in MB, where the platform says it (Linux's /proc). */
    Optional<Long> residentMegabytes() {
        try {
            return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream()
                    .filter(line -> line.startsWith("VmRSS:"))
                    .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024)
                    .findFirst();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The size of its log now, to count later what was written after. */
    long logSize() {
        try {
            return Files.size(log);
        } catch (IOException e) {
            return 0;
        }
    }

    /** How many lines after byte {@code from} of its log contain {@code text}. */
    long linesContaining(String text, long from) throws IOException {
        if (!Files.exists(log)) {
            return 0;
        }
        try (InputStream in = Files.newInputStream(log)) {
            in.skipNBytes(Math.min(from, Files.size(log)));
            var lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            return lines.lines().filter(line -> line.contains(text)).count();
        }
    }
}
