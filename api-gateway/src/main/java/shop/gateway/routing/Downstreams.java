package shop.gateway.routing;

import java.net.URI;
import java.time.Duration;
import shop.defaults.Settings;

/**
 * Where the services behind the gateway live, and how long to wait for them.
 *
 * @param orderService {@code ORDER_SERVICE_URL} (default {@code http://localhost:8081}; {@code https}
 *     for TLS, or any URL with {@code SHOP_TLS_DIR}: see {@link shop.defaults.TlsSettings#callee})
 * @param paymentService {@code PAYMENT_SERVICE_URL} (default {@code http://localhost:8082})
 * @param connectTimeout {@code SHOP_GATEWAY_DOWNSTREAMS_CONNECT_TIMEOUT}, 1 s
 * @param readTimeout {@code SHOP_GATEWAY_DOWNSTREAMS_READ_TIMEOUT}, 5 s: longer than order-service's
 *     own deadline for a payment (2 s), so that a slow payment turns into order-service's 202, not
 *     into the gateway's 503
 */
public record Downstreams(URI orderService, URI paymentService, Duration connectTimeout, Duration readTimeout) {

    public static Downstreams from(Settings settings) {
        return new Downstreams(
                url(settings, "ORDER_SERVICE_URL", "http://localhost:8081"),
                url(settings, "PAYMENT_SERVICE_URL", "http://localhost:8082"),
                settings.positiveDuration("SHOP_GATEWAY_DOWNSTREAMS_CONNECT_TIMEOUT", Duration.ofSeconds(1)),
                settings.positiveDuration("SHOP_GATEWAY_DOWNSTREAMS_READ_TIMEOUT", Duration.ofSeconds(5)));
    }

    private static URI url(Settings settings, String name, String fallback) {
        String value = settings.text(name, fallback);
        try {
            URI url = URI.create(value);
            if (("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
                    && url.getHost() != null
                    && (url.getPath() == null
                            || url.getPath().isEmpty()
                            || url.getPath().equals("/"))) {
                return url;
            }
        } catch (IllegalArgumentException e) {
            // refused below
        }
        throw new IllegalArgumentException(name + " must be an http(s) URL of a service, such as " + fallback);
    }
}
