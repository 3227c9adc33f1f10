package shop.testing;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What a service running in this JVM holds, as a test measures it: the series of its Prometheus
 * scrape (their names and labels; how many are {@code http.server.requests}'), the scrape's size,
 * and this JVM's heap after full collections. A footprint taken before a flood of requests and one
 * taken after show whether the flood left state behind; they are measured, never timed.
 */
public record Footprint(Set<String> series, long httpServerSeries, long scrapeBytes, long heapBytes) {

    /** The footprint now: the heap first (the scrape itself makes garbage), then {@code scrape}. */
    public static Footprint of(Supplier<String> scrape) {
        long heap = heapAfterCollections();
        String text = scrape.get();
        Set<String> series = text.lines()
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .map(line -> line.substring(0, line.lastIndexOf(' ')))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        long httpServer = series.stream()
                .filter(line -> line.startsWith("http_server_requests_seconds"))
                .count();
        return new Footprint(series, httpServer, text.length(), heap);
    }

    /** The series this footprint has that {@code earlier} had not. */
    public Set<String> seriesAddedSince(Footprint earlier) {
        Set<String> added = new LinkedHashSet<>(series);
        added.removeAll(earlier.series);
        return added;
    }

    @Override
    public String toString() {
        return "%d series (%d of http_server_requests_seconds), a scrape of %d bytes, %d bytes of heap after GC"
                .formatted(series.size(), httpServerSeries, scrapeBytes, heapBytes);
    }

    /**
     * The heap in use once full collections free nothing more (a few at most): what is still
     * reachable, not what is garbage yet.
     */
    private static long heapAfterCollections() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (now >= used) {
                return used;
            }
            used = now;
        }
        return used;
    }
}
