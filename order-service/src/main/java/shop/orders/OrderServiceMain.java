package shop.orders;

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
import shop.orders.catalog.Catalog;
import shop.orders.order.OrderController;
import shop.orders.order.OrderModule;
import shop.orders.payment.PaymentClient;
import shop.orders.payment.PaymentSettings;

/** order-service: the catalog, orders, and the saga that pays for them. */
public final class OrderServiceMain {

    static final String NAME = "order-service";

    private OrderServiceMain() {}

    public static void main(String[] args) {
        ServiceRuntime runtime;
        try {
            // Settings, logs, metrics and traces, Vert.x; a bad setting stops the service here.
            runtime = ServiceRuntime.start(NAME, Settings.fromEnvironment());
        } catch (RuntimeException badSetting) {
            ServiceRuntime.exitOnFailure(NAME, badSetting);
            return;
        }
        start(runtime).onFailure(failure -> ServiceRuntime.exitOnFailure(NAME, failure));
    }

    /**
     * All of order-service's wiring: its database (migrated, one pool for every event loop), the
     * catalog, the client of payment-service, the order feature with its jobs, then the router
     * (the shared handlers, internal authentication, the routes), and the server.
     */
    public static Future<Void> start(ServiceRuntime runtime) {
        Settings settings = runtime.settings();
        int port = Topology.SHOP.port(settings, NAME);
        PaymentSettings paymentSettings = PaymentSettings.from(settings);
        InternalTokens tokens = InternalTokens.start(
                runtime.vertx(),
                InternalAuthSettings.from(
                        settings, NAME, Topology.SHOP.service(NAME).calls()),
                Clock.systemUTC());
        return Database.open(runtime, DatabaseSettings.from(settings, "orders"))
                .compose(pool -> Catalog.load(pool).compose(catalog -> {
                    PaymentClient payments = new PaymentClient(
                            runtime.vertx(),
                            paymentSettings,
                            runtime.tls(),
                            tokens,
                            runtime.registry(),
                            runtime.httpMetrics());
                    runtime.onShutdown(payments::close);
                    catalog.refreshEvery(runtime);
                    OrderModule orders = OrderModule.create(
                            runtime.vertx(),
                            pool,
                            catalog,
                            payments,
                            settings,
                            runtime.registry(),
                            runtime.openTelemetry());
                    runtime.onShutdown(orders::stopJobs);
                    OrderController controller = orders.controller();

                    SharedRoutes shared = runtime.sharedRoutes();
                    Router router = shared.router(OrderController::problemOf, Database::problemOf);
                    router.route().handler(shared.metrics());
                    router.route().handler(SharedRoutes.securityHeaders());
                    router.route().handler(SharedRoutes::refuseMalformedPath);
                    shared.operations(router);
                    router.route().handler(SharedRoutes.body());
                    router.route().handler(shared.inFlightLimit());
                    router.route().handler(InternalAuthentication.handler(tokens));
                    router.get("/products").handler(catalog::list);
                    router.put("/products/:item/stock").handler(catalog::setStock);
                    router.post("/products/:item/stock/additions").handler(catalog::addStock);
                    router.put("/products/:item/price").handler(catalog::setPrice);
                    router.post("/orders").handler(controller::place);
                    router.get("/orders").handler(controller::list);
                    router.get("/orders/:id").handler(controller::get);
                    router.post("/orders/:id/refund").handler(controller::refund);
                    router.get("/admin/summary").handler(controller::summary);
                    return orders.startJobs().compose(started -> runtime.serve(router, port));
                }));
    }
}
