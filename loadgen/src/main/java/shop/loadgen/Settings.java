package shop.loadgen;

import java.net.URI;
import java.time.Duration;

/**
 * What to run: {@code rate} orders a second (open loop; 0 for closed loop) or {@code concurrency}
 * clients each waiting for its answer (closed loop), for {@code duration}.
 */
public record Settings(URI gateway, String apiKey, int rate, int concurrency, Duration duration) {

    public static Settings parse(String... args) {
        URI gateway = URI.create("http://localhost:8080");
        String key = "local-gregor-key";
        int rate = 0;
        int concurrency = 0;
        Duration duration = Duration.ofSeconds(30);
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--gateway" -> gateway = URI.create(args[i + 1]);
                case "--key" -> key = args[i + 1];
                case "--rate" -> rate = Integer.parseInt(args[i + 1]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[i + 1]);
                case "--duration" -> duration = Duration.ofMillis((long) (Double.parseDouble(args[i + 1]) * 1000));
                case "--out" -> {} // where main writes the acknowledged order ids

                default -> throw new IllegalArgumentException("Unknown option " + args[i]);
            }
        }
        if ((rate > 0) == (concurrency > 0)) {
            throw new IllegalArgumentException("Give either --rate N (open loop) or --concurrency N (closed loop)");
        }
        return new Settings(gateway, key, rate, concurrency, duration);
    }

    String describe() {
        return rate > 0 ? rate + " orders/s offered" : concurrency + " clients";
    }
}
