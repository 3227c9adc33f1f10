package shop.orders.order;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shop.defaults.Settings;
import shop.orders.catalog.Catalog;
import shop.orders.payment.PaymentClient;

/**
 * The order feature, assembled from its settings: the handlers of its routes, and the jobs that
 * run beside them (the payment recovery, the idempotency-key purge, the pending count).
 */
public final class OrderModule {

    private static final Logger log = LoggerFactory.getLogger(OrderModule.class);

    private final Vertx vertx;
    private final OrderController controller;
    private final PaymentRecovery recovery;
    private final IdempotencyKeyPurge purge;
    private final PendingOrders pendingOrders;
    private final boolean recoveryEnabled;
    private long countTimer = -1;

    private OrderModule(
            Vertx vertx,
            OrderController controller,
            PaymentRecovery recovery,
            IdempotencyKeyPurge purge,
            PendingOrders pendingOrders,
            boolean recoveryEnabled) {
        this.vertx = vertx;
        this.controller = controller;
        this.recovery = recovery;
        this.purge = purge;
        this.pendingOrders = pendingOrders;
        this.recoveryEnabled = recoveryEnabled;
    }

    /** @throws IllegalArgumentException on a bad setting: the service does not start */
    public static OrderModule create(
            Vertx vertx,
            Pool pool,
            Catalog catalog,
            PaymentClient payments,
            Settings settings,
            MeterRegistry registry,
            OpenTelemetry openTelemetry) {
        // Microseconds, as both databases keep them: an answer shows the times a later read will.
        Clock clock = Clock.tick(Clock.systemUTC(), Duration.ofNanos(1_000));
        OrderSettings orderSettings = OrderSettings.from(settings);
        var seal = PaymentMethodSeal.from(settings);
        if (seal.isEmpty()) {
            log.error("SHOP_PAYMENT_METHOD_KEY is not set: orders that name a payment method are refused (503) "
                    + "until it is, since a pending order's payment method could not be kept across a crash");
        }
        Orders orders = new Orders(pool);
        IdempotencyKeys keys = new IdempotencyKeys(pool);
        PendingOrders pendingOrders = new PendingOrders(
                orders, orderSettings.maxPending(), orderSettings.recovery().stuckAfter(), clock, registry);
        OrderMetrics metrics = new OrderMetrics(registry);
        PlaceOrder placeOrder = new PlaceOrder(
                orders,
                keys,
                catalog,
                payments,
                seal,
                orderSettings,
                pendingOrders,
                metrics,
                new TraceContexts(vertx, openTelemetry),
                clock);
        OrderQueries queries = new OrderQueries(orders, pendingOrders, payments, orderSettings.recovery(), clock);
        OrderRefunds orderRefunds = new OrderRefunds(pool);
        Refunds refunds =
                new Refunds(queries, orders, orderRefunds, payments, metrics, orderSettings.recovery(), clock);
        return new OrderModule(
                vertx,
                new OrderController(placeOrder, queries, refunds),
                new PaymentRecovery(
                        vertx,
                        orders,
                        placeOrder,
                        orderRefunds,
                        refunds,
                        orderSettings.recovery(),
                        payments.attemptLimit(),
                        clock),
                new IdempotencyKeyPurge(vertx, keys, orderSettings.idempotency(), clock),
                pendingOrders,
                orderSettings.recovery().enabled());
    }

    public OrderController controller() {
        return controller;
    }

    /** Counts the pending orders, then starts the jobs. */
    public Future<Void> startJobs() {
        return pendingOrders.refresh().onSuccess(counted -> {
            countTimer = vertx.setPeriodic(1000, tick -> pendingOrders.refresh());
            purge.start();
            if (recoveryEnabled) {
                recovery.start();
            }
        });
    }

    /** Stops the jobs; retries in flight finish. */
    public Future<Void> stopJobs() {
        vertx.cancelTimer(countTimer);
        purge.stop();
        return recovery.stop();
    }
}
