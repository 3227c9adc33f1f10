package shop.orders.order;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The payment methods of orders whose charge has not reached an outcome yet, held in memory
 * only: card numbers are never written to the database. If this process dies first, the retry
 * can still find a charge that payment-service recorded; one it never saw fails with
 * {@code payment_method_unavailable} and the customer orders again.
 */
@Component
class PendingPaymentMethods {

    /** Bounds the memory that a long payment-service outage can take. */
    private static final int MAX_HELD = 100_000;

    private final Map<UUID, String> methods = new ConcurrentHashMap<>();

    void hold(UUID orderId, String paymentMethod) {
        if (methods.size() < MAX_HELD) {
            methods.put(orderId, paymentMethod);
        }
    }

    @Nullable String get(UUID orderId) {
        return methods.get(orderId);
    }

    void release(UUID orderId) {
        methods.remove(orderId);
    }
}
