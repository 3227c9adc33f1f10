package shop.gateway.limits;

import java.util.Arrays;
import java.util.List;
import shop.defaults.Settings;

/**
 * @param rateLimit requests a second per caller, bursts up to twice that; 0 turns limiting off, as
 *     benchmarks need ({@code SHOP_RATE_LIMIT}, default 50)
 * @param corsAllowedOrigins the web origins whose pages may call the API from a browser; none by
 *     default, so cross-origin calls are refused ({@code SHOP_GATEWAY_CORS_ALLOWED_ORIGINS}, comma-separated)
 * @param authFailuresPerMinute failed authentications a client address may make a minute (in a
 *     burst, then evenly) before it is answered 429 without its key being looked at; 0 for no limit
 *     ({@code SHOP_AUTH_FAILURE_LIMIT}, default 20)
 * @param trustedProxies the addresses or CIDR ranges of the proxies in front of the gateway whose
 *     {@code X-Forwarded-For} names the client; none by default, so the client is the connection's
 *     peer ({@code SHOP_GATEWAY_TRUSTED_PROXIES}, comma-separated)
 * @param maxConnectionsPerAddress open connections a client address may hold (trusted proxies
 *     aside); more are closed at once ({@code SHOP_MAX_CONNECTIONS_PER_ADDRESS}, default 256, 0 for
 *     no limit)
 */
public record LimitSettings(
        int rateLimit,
        List<String> corsAllowedOrigins,
        int authFailuresPerMinute,
        List<String> trustedProxies,
        int maxConnectionsPerAddress) {

    public LimitSettings {
        corsAllowedOrigins = List.copyOf(corsAllowedOrigins);
        trustedProxies = List.copyOf(trustedProxies);
    }

    public static LimitSettings from(Settings settings) {
        List<String> origins = list(settings, "SHOP_GATEWAY_CORS_ALLOWED_ORIGINS");
        for (String origin : origins) {
            if (!origin.matches("https?://[^/\\s]+")) {
                throw new IllegalArgumentException(
                        "SHOP_GATEWAY_CORS_ALLOWED_ORIGINS must list origins such as https://shop.example, comma-separated");
            }
        }
        List<String> proxies = list(settings, "SHOP_GATEWAY_TRUSTED_PROXIES");
        // Parsed now, so that a bad entry stops the gateway at start with the variable's name.
        new ClientAddresses(proxies);
        return new LimitSettings(
                settings.integer("SHOP_RATE_LIMIT", 50, 0, 1_000_000),
                origins,
                settings.integer("SHOP_AUTH_FAILURE_LIMIT", 20, 0, 1_000_000),
                proxies,
                settings.integer("SHOP_MAX_CONNECTIONS_PER_ADDRESS", 256, 0, 1_000_000));
    }

    /** Who the requests come from, as these settings say to work it out. */
    public ClientAddresses clientAddresses() {
        return new ClientAddresses(trustedProxies);
    }

    private static List<String> list(Settings settings, String name) {
        return settings.optional(name)
                .map(list -> Arrays.stream(list.split(","))
                        .map(String::strip)
                        .filter(o -> !o.isEmpty())
                        .toList())
                .orElse(List.of());
    }
}
