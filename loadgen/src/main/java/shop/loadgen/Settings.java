package shop.loadgen;

import java.net.URI;
import java.time.Duration;

/**
 * What to run: {@code rate} orders a second (open loop; 0 for closed loop) or {@code concurrency}
 * clients each waiting for its answer (closed loop), for {@code duration}.
 */
public record Settings(URI gateway, String apiKey, int rate, int concurrency, Duration duration) {

    /**
     * Reads {@code --gateway URL --rate N | --concurrency N [--duration S] [--key KEY]}. The gateway has
     * no default: {@code ./shop load} passes the one the topology and its variables give.
     */
    public static Settings parse(String... args) {
        URI gateway = null;
        String key = "local-gregor-key";
        int rate = 0;
        int concurrency = 0;
        Duration duration = Duration.ofSeconds(30);
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("Every option takes a value: " + String.join(" ", args));
        }
        for (int i = 0; i < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--gateway" -> gateway = gateway(value);
                case "--key" -> key = value;
                case "--rate" -> rate = positive("--rate", value);
                case "--concurrency" -> concurrency = positive("--concurrency", value);
                case "--duration" -> duration = seconds("--duration", value);
                case "--out" -> {} // where main writes the acknowledged order ids

                default -> throw new IllegalArgumentException("Unknown option " + args[i]);
            }
        }
        if (gateway == null) {
            throw new IllegalArgumentException("Give the gateway to load: --gateway http://host:port");
        }
        if ((rate > 0) == (concurrency > 0)) {
            throw new IllegalArgumentException("Give either --rate N (open loop) or --concurrency N (closed loop)");
        }
        return new Settings(gateway, key, rate, concurrency, duration);
    }

    String describe() {
        return rate > 0 ? rate + " orders/s offered" : concurrency + " clients";
    }

    static URI gateway(String value) {
        try {
            URI uri = new URI(value);
            if ((uri.getScheme() != null && uri.getScheme().matches("https?")) && uri.getHost() != null) {
                return uri;
            }
        } catch (java.net.URISyntaxException e) {
            // said below
        }
        throw new IllegalArgumentException("--gateway must be an http(s)://host:port URL (it is " + value + ")");
    }

    static int positive(String option, String value) {
        try {
            int number = Integer.parseInt(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(option + " must be a whole number above 0 (it is " + value + ")");
    }

    /** Seconds, fractions allowed ({@code 0.5}), above 0 and at most a day. */
    static Duration seconds(String option, String value) {
        try {
            double seconds = Double.parseDouble(value);
            if (seconds > 0 && seconds <= 86_400) {
                return Duration.ofMillis(Math.round(seconds * 1000));
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(option + " must be seconds above 0, at most a day (it is " + value + ")");
    }
}
