package shop.orders.order;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Re-drives every {@code PENDING} order until its payment has an outcome: after a timeout, a
 * transient processor error, payment-service being down, or this process being killed
 * mid-order. Orders are claimed with row locks ({@code SKIP LOCKED}), so any number of
 * replicas can run it; a retry reuses the order id as the payment's idempotency key, so it
 * never charges twice.
 */
@Component
@ConditionalOnBooleanProperty(name = "shop.orders.recovery.enabled", matchIfMissing = true)
class PaymentRecovery {

    private static final Logger log = LoggerFactory.getLogger(PaymentRecovery.class);

    private final Orders orders;
    private final OrderService orderService;
    private final OrderProperties.Recovery settings;
    private final TransactionTemplate transaction;
    private final Clock clock;

    PaymentRecovery(Orders orders, OrderService orderService, OrderProperties properties,
            TransactionTemplate transaction, Clock clock) {
        this.orders = orders;
        this.orderService = orderService;
        this.settings = properties.recovery();
        this.transaction = transaction;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${shop.orders.recovery.interval:1s}")
    void redrivePendingOrders() {
        List<Order> due = transaction.execute(
                status -> orders.claimDue(clock.instant(), settings.batchSize(), settings.backoff()));
        // The claimed orders are independent: retry them side by side, each on a virtual thread.
        try (var retries = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Order order : due) {
                retries.submit(() -> retry(order));
            }
        }
    }

    private void retry(Order order) {
        try {
            orderService.retryPayment(order);
        }
        catch (RuntimeException e) {
            log.warn("Retrying the payment of order {} failed; it stays pending", order.id(), e);
        }
    }
}
