package shop.orders.payment;

import java.net.URI;
import java.time.Duration;
import shop.defaults.Settings;
import shop.defaults.Topology;

/**
 * How order-service calls payment-service: where ({@code PAYMENT_SERVICE_URL}, checked by the
 * {@link Topology}), 1 s to connect
 * ({@code SHOP_ORDERS_PAYMENTS_CONNECT_TIMEOUT}), and the request's deadline for an answer
 * ({@code SHOP_ORDERS_PAYMENTS_DEADLINE}, 2 s: past it, {@code POST /orders} answers 202), with
 * the breaker in front of it.
 */
public record PaymentSettings(
        URI baseUrl, Duration connectTimeout, Duration deadline, int connections, Breaker breaker) {

    /**
     * Once {@code failureRatePercent} of the last {@code window} calls failed for want of an answer
     * (at least {@code minimumCalls}), calls fail at once for {@code openFor}, then {@code probes}
     * calls test whether payment-service is back.
     */
    public record Breaker(int failureRatePercent, int window, int minimumCalls, Duration openFor, int probes) {

        static Breaker from(Settings settings) {
            String prefix = "SHOP_ORDERS_PAYMENTS_BREAKER_";
            return new Breaker(
                    settings.integer(prefix + "FAILURE_RATE_PERCENT", 50, 1, 100),
                    settings.integer(prefix + "WINDOW", 20, 1, 10_000),
                    settings.integer(prefix + "MINIMUM_CALLS", 10, 1, 10_000),
                    settings.positiveDuration(prefix + "OPEN_FOR", Duration.ofSeconds(5)),
                    settings.integer(prefix + "PROBES", 3, 1, 1000));
        }
    }

    public static PaymentSettings from(Settings settings) {
        return new PaymentSettings(
                Topology.SHOP.url(settings, PaymentClient.PAYMENT_SERVICE),
                settings.positiveDuration("SHOP_ORDERS_PAYMENTS_CONNECT_TIMEOUT", Duration.ofSeconds(1)),
                settings.positiveDuration("SHOP_ORDERS_PAYMENTS_DEADLINE", Duration.ofSeconds(2)),
                settings.integer("SHOP_ORDERS_PAYMENTS_CONNECTIONS", 32, 1, 1024),
                Breaker.from(settings));
    }
}
