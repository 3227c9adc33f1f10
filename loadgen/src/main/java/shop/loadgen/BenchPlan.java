package shop.loadgen;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's steps, from {@code SHOP_BENCH_WARMUP} (whole seconds, 0 for none; default 60),
 * {@code SHOP_BENCH_STEP} (whole seconds per step, at least 1; default 20) and {@code
 * SHOP_BENCH_RATES} (the open-loop sweep, orders a second separated by spaces; default 250 500 750
 * 1000): a closed-loop warm-up at 32 clients, the sweep, then 64 clients for the maximum.
 */
record BenchPlan(Duration warmUp, Duration step, List<Integer> rates) {

    static final int WARM_UP_CLIENTS = 32;
    static final int MAXIMUM_CLIENTS = 64;

    static BenchPlan fromEnvironment(Map<String, String> env) {
        String warmUp = env.getOrDefault("SHOP_BENCH_WARMUP", "60").strip();
        String step = env.getOrDefault("SHOP_BENCH_STEP", "20").strip();
        String rates = env.getOrDefault("SHOP_BENCH_RATES", "250 500 750 1000").strip();
        if (!warmUp.matches("[0-9]{1,5}")) {
            throw new IllegalArgumentException("SHOP_BENCH_WARMUP must be whole seconds (it is " + warmUp + ")");
        }
        if (!step.matches("0*[1-9][0-9]{0,4}")) {
            throw new IllegalArgumentException(
                    "SHOP_BENCH_STEP must be whole seconds, at least 1 (it is " + step + ")");
        }
        if (!rates.matches("[1-9][0-9]{0,5}(\\s+[1-9][0-9]{0,5})*")) {
            throw new IllegalArgumentException(
                    "SHOP_BENCH_RATES must be orders a second separated by spaces, such as 250 500 (it is " + rates
                            + ")");
        }
        return new BenchPlan(
                Duration.ofSeconds(Long.parseLong(warmUp)),
                Duration.ofSeconds(Long.parseLong(step)),
                Arrays.stream(rates.split("\\s+")).map(Integer::valueOf).toList());
    }

    /** The steps and how long they take, as the benchmark's first line. */
    @Override
    public String toString() {
        long seconds = warmUp.toSeconds() + step.toSeconds() * (rates.size() + 1);
        return "a %d s warm-up at %d clients, %s orders/s for %d s each, %d clients for %d s: about %d min"
                .formatted(
                        warmUp.toSeconds(),
                        WARM_UP_CLIENTS,
                        rates.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(" ")),
                        step.toSeconds(),
                        MAXIMUM_CLIENTS,
                        step.toSeconds(),
                        Math.max(1, Math.round((seconds + 30) / 60.0)));
    }
}
