package shop.loadgen;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Places orders through the gateway and records each one's latency in HdrHistogram.
 *
 * <p>Open loop ({@code --rate}): each order has an intended start time on a fixed schedule, and
 * its latency is measured from that time, so a slow answer that delays later sends is counted
 * against them too (no coordinated omission). Closed loop ({@code --concurrency}): that many
 * clients, each sending its next order when the last is answered. A progress line is printed
 * every second; the acknowledged order ids can be written to a file for a consistency check.
 *
 * <pre>java -jar loadgen.jar --gateway URL --rate 1000 [--duration 30] [--key KEY] [--out ids.txt]</pre>
 */
public final class LoadGenerator {

    private static final Pattern ORDER_ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");
    private static final long MAX_LATENCY_MICROS = TimeUnit.MINUTES.toMicros(1);

    private final Settings settings;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
    private final Recorder recorder = new Recorder(MAX_LATENCY_MICROS, 3);
    private final Histogram total = new Histogram(MAX_LATENCY_MICROS, 3);
    private final List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong errors = new AtomicLong();
    /** Errors by kind (an HTTP status, or the exception a send ended with), for the run's last lines. */
    private final Map<String, AtomicLong> errorKinds = new ConcurrentHashMap<>();

    private final AtomicLong sent = new AtomicLong();

    public LoadGenerator(Settings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        Settings settings;
        try {
            settings = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("loadgen: " + e.getMessage());
            System.exit(2);
            return;
        }
        Result result = new LoadGenerator(settings).run(System.out);
        result.errorKinds().forEach((kind, count) -> System.out.printf("loadgen: %d errors: %s%n", count, kind));
        System.out.println(Result.header());
        System.out.println(result.row());
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("--out")) {
                Files.write(Path.of(args[i + 1]), result.acknowledged());
            }
        }
    }

    /** Runs the load, printing a progress line a second to {@code progress}. */
    public Result run(java.io.PrintStream progress) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + settings.duration().toNanos();
        Thread reporter = Thread.ofPlatform().daemon().start(() -> report(progress, start));
        try {
            if (settings.rate() > 0) {
                openLoop(start, end);
            } else {
                closedLoop(end);
            }
        } finally {
            reporter.interrupt();
            reporter.join();
        }
        synchronized (total) {
            total.add(recorder.getIntervalHistogram());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Long> kinds = new TreeMap<>();
        errorKinds.forEach((kind, count) -> kinds.put(kind, count.get()));
        return new Result(settings, total.copy(), errors.get(), seconds, List.copyOf(acknowledged), kinds);
    }

    private void openLoop(long start, long end) throws InterruptedException {
        long interval = 1_000_000_000L / settings.rate();
        try (var requests = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long intended = start; intended < end; intended += interval) {
                long wait = intended - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                long scheduled = intended;
                requests.submit(() -> placeOrder(scheduled));
            }
        }
    }

    private void closedLoop(long end) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(settings.concurrency());
        for (int i = 0; i < settings.concurrency(); i++) {
            Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < end) {
                    placeOrder(System.nanoTime());
                }
                done.countDown();
            });
        }
        done.await();
    }

    /** Sends one order and records its latency from when it was meant to start. */
    private void placeOrder(long intendedStart) {
        sent.incrementAndGet();
        HttpRequest request = HttpRequest.newBuilder(URI.create(settings.gateway() + "/orders"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + settings.apiKey())
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString(OrderMix.nextBody()))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            recorder.recordValue(Math.min(MAX_LATENCY_MICROS, (System.nanoTime() - intendedStart) / 1000));
            Matcher id = ORDER_ID.matcher(response.body());
            if ((response.statusCode() == 201 || response.statusCode() == 202) && id.find()) {
                acknowledged.add(id.group(1));
            } else {
                countError("HTTP " + response.statusCode());
            }
        } catch (IOException e) {
            countError(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void countError(String kind) {
        errors.incrementAndGet();
        errorKinds.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    private void report(java.io.PrintStream out, long start) {
        try {
            while (true) {
                Thread.sleep(1000);
                Histogram interval = recorder.getIntervalHistogram();
                synchronized (total) {
                    total.add(interval);
                }
                out.printf(
                        "loadgen: %3ds  sent %d  acknowledged %d  errors %d  this second: %d answers, p99 %.1f ms%n",
                        (System.nanoTime() - start) / 1_000_000_000L,
                        sent.get(),
                        acknowledged.size(),
                        errors.get(),
                        interval.getTotalCount(),
                        interval.getValueAtPercentile(99) / 1000.0);
            }
        } catch (InterruptedException e) {
            // The run is over.
        }
    }
}
