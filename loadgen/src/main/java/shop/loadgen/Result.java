package shop.loadgen;

import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One run's outcome: latencies (microseconds), counts, the orders the gateway acknowledged, and the
 * errors by kind.
 */
public record Result(
        Settings settings,
        Histogram latencies,
        long errors,
        double seconds,
        List<String> acknowledged,
        Map<String, Long> errorKinds) {

    public double achievedPerSecond() {
        return acknowledged.size() / seconds;
    }

    /** A table row: offered, achieved, p50, p95, p99, max (ms), errors. */
    public String row() {
        return "%-22s %9.0f %8.1f %8.1f %8.1f %8.1f %7d"
                .formatted(
                        settings.describe(),
                        achievedPerSecond(),
                        millis(50),
                        millis(95),
                        millis(99),
                        latencies.getMaxValue() / 1000.0,
                        errors);
    }

    public static String header() {
        return "%-22s %9s %8s %8s %8s %8s %7s"
                .formatted("load", "orders/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors");
    }

    private double millis(double percentile) {
        return latencies.getValueAtPercentile(percentile) / 1000.0;
    }
}
