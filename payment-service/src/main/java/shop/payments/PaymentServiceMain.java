package shop.payments;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.time.Clock;
import shop.defaults.Database;
import shop.defaults.DatabaseSettings;
import shop.defaults.InternalAuthSettings;
import shop.defaults.InternalAuthentication;
import shop.defaults.InternalTokens;
import shop.defaults.ServiceRuntime;
import shop.defaults.Settings;
import shop.defaults.SharedRoutes;
import shop.defaults.Topology;
import shop.payments.processor.PaymentProcessor;
import shop.payments.processor.SimulatedProcessor;
import shop.payments.transaction.TransactionController;

/**
 * payment-service: charges and refunds at order-service's request, transactions for admins.
 * Its whole wiring is {@link #start}: the database, the routes in the order they run, the server.
 */
public final class PaymentServiceMain {

    static final String NAME = "payment-service";

    private PaymentServiceMain() {}

    public static void main(String[] args) {
        ServiceRuntime runtime;
        try {
            // Settings, logs, metrics and traces, Vert.x; a bad setting stops the service here.
            runtime = ServiceRuntime.start(NAME, Settings.fromEnvironment());
        } catch (RuntimeException badSetting) {
            ServiceRuntime.exitOnFailure(NAME, badSetting);
            return;
        }
        start(runtime, new SimulatedProcessor()).onFailure(failure -> ServiceRuntime.exitOnFailure(NAME, failure));
    }

    /**
     * Opens the database (migrating it), then serves on its port ({@code PAYMENT_SERVICE_PORT}; the {@link Topology}'s) on
     * every event loop, all sharing one pool and one processor.
     */
    static Future<Void> start(ServiceRuntime runtime, PaymentProcessor processor) {
        Settings settings = runtime.settings();
        int port = Topology.SHOP.port(settings, NAME);
        InternalTokens tokens = InternalTokens.start(
                runtime.vertx(),
                InternalAuthSettings.from(
                        settings, NAME, Topology.SHOP.service(NAME).calls()),
                Clock.systemUTC());
        return Database.open(runtime, DatabaseSettings.from(settings, "payments"))
                .compose(pool -> {
                    var transactions =
                            TransactionController.create(pool, processor, runtime.registry(), Clock.systemUTC());

                    SharedRoutes shared = runtime.sharedRoutes();
                    Router router = shared.router(TransactionController::problemOf, Database::problemOf);
                    router.route().handler(shared.metrics());
                    router.route().handler(SharedRoutes.securityHeaders());
                    router.route().handler(SharedRoutes::refuseMalformedPath);
                    shared.operations(router);
                    router.route().handler(SharedRoutes.body());
                    router.route().handler(shared.inFlightLimit());
                    router.route().handler(InternalAuthentication.handler(tokens));
                    router.post("/charges").handler(transactions::charge);
                    router.post("/refunds").handler(transactions::refund);
                    router.get("/transactions").handler(transactions::list);
                    return runtime.serve(router, port);
                });
    }
}
