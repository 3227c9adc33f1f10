package shop.gateway.limits;

import java.util.Arrays;
import java.util.List;
import shop.defaults.Settings;

/**
 * @param rateLimit requests a second per caller, bursts up to twice that; 0 turns limiting off, as
 *     benchmarks need ({@code SHOP_RATE_LIMIT}, default 50)
 * @param corsAllowedOrigins the web origins whose pages may call the API from a browser; none by
 *     default, so cross-origin calls are refused ({@code SHOP_GATEWAY_CORS_ALLOWED_ORIGINS}, comma-separated)
 */
public record LimitSettings(int rateLimit, List<String> corsAllowedOrigins) {

    public LimitSettings {
        corsAllowedOrigins = List.copyOf(corsAllowedOrigins);
    }

    public static LimitSettings from(Settings settings) {
        List<String> origins = settings.optional("SHOP_GATEWAY_CORS_ALLOWED_ORIGINS")
                .map(list -> Arrays.stream(list.split(","))
                        .map(String::strip)
                        .filter(o -> !o.isEmpty())
                        .toList())
                .orElse(List.of());
        for (String origin : origins) {
            if (!origin.matches("https?://[^/\\s]+")) {
                throw new IllegalArgumentException(
                        "SHOP_GATEWAY_CORS_ALLOWED_ORIGINS must list origins such as https://shop.example, comma-separated");
            }
        }
        return new LimitSettings(settings.integer("SHOP_RATE_LIMIT", 50, 0, 1_000_000), origins);
    }
}
