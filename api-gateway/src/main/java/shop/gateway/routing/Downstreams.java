package shop.gateway.routing;

import java.net.URI;
import java.time.Duration;
import shop.defaults.Settings;
import shop.defaults.Topology;

/**
 * Where the services behind the gateway live, and how long to wait for them.
 *
 * @param orderService {@code ORDER_SERVICE_URL} (default: on this machine, on its {@link Topology} port;
 *     {@code https} for TLS, or any URL with {@code SHOP_TLS_DIR}: see {@link shop.defaults.TlsSettings#callee})
 * @param paymentService {@code PAYMENT_SERVICE_URL} (likewise)
 * @param connectTimeout {@code SHOP_GATEWAY_DOWNSTREAMS_CONNECT_TIMEOUT}, 1 s
 * @param readTimeout {@code SHOP_GATEWAY_DOWNSTREAMS_READ_TIMEOUT}, 5 s: longer than order-service's
 *     own deadline for a payment (2 s), so that a slow payment turns into order-service's 202, not
 *     into the gateway's 503
 */
public record Downstreams(URI orderService, URI paymentService, Duration connectTimeout, Duration readTimeout) {

    public static Downstreams from(Settings settings) {
        return new Downstreams(
                Topology.SHOP.url(settings, "order-service"),
                Topology.SHOP.url(settings, "payment-service"),
                settings.positiveDuration("SHOP_GATEWAY_DOWNSTREAMS_CONNECT_TIMEOUT", Duration.ofSeconds(1)),
                settings.positiveDuration("SHOP_GATEWAY_DOWNSTREAMS_READ_TIMEOUT", Duration.ofSeconds(5)));
    }
}
