package shop.orders.order;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import shop.defaults.Caller;
import shop.defaults.Database;
import shop.defaults.DatabaseSettings;
import shop.defaults.Role;
import shop.defaults.ServiceRuntime;
import shop.defaults.Settings;
import shop.orders.catalog.Catalog;
import shop.orders.order.OrderProblem.AdminOnly;
import shop.orders.order.OrderProblem.CurrencyMismatch;
import shop.orders.order.OrderProblem.CustomerMismatch;
import shop.orders.order.OrderProblem.OrderNotFound;
import shop.orders.order.OrderProblem.PaymentMethodNotDurable;
import shop.orders.order.OrderProblem.PriceMismatch;
import shop.orders.order.OrderProblem.UnknownItem;
import shop.orders.payment.PaymentClient;
import shop.orders.payment.PaymentSettings;
import shop.testing.TestDatabase;
import shop.testing.TestTokens;

/**
 * Every refusal of placing, showing or refunding an order is a failed {@link Future}, never a
 * throw, so that a caller needs no try around the call: on a real (H2) database, before any call
 * to payment-service (whose client points at nothing here).
 */
class OrderRefusalsTest {

    private static final Caller GREGOR = new Caller("Gregor", Role.CUSTOMER);

    private static ServiceRuntime runtime;
    private static PlaceOrder placeOrder;
    private static OrderQueries queries;
    private static Refunds refunds;

    @BeforeAll
    static void start() throws Exception {
        Settings settings = TestDatabase.h2("order_refusals").settings().with("SHOP_PROFILE", "local");
        runtime = ServiceRuntime.start("order-service", settings);
        Pool pool = Database.open(runtime, DatabaseSettings.from(settings, "orders"))
                .await(30, TimeUnit.SECONDS);
        Catalog catalog = Catalog.load(pool).await(30, TimeUnit.SECONDS);
        Clock clock = Clock.systemUTC();
        OrderSettings orderSettings = OrderSettings.from(settings);
        Orders orders = new Orders(pool);
        var registry = new SimpleMeterRegistry();
        PendingOrders pending = new PendingOrders(
                orders, orderSettings.maxPending(), orderSettings.recovery().stuckAfter(), clock, registry);
        PaymentClient payments = new PaymentClient(
                runtime.vertx(),
                PaymentSettings.from(settings),
                runtime.tls(),
                TestTokens.tokens("order-service"),
                registry,
                runtime.httpMetrics());
        OrderMetrics metrics = new OrderMetrics(registry);
        placeOrder = new PlaceOrder(
                orders,
                new IdempotencyKeys(pool),
                catalog,
                payments,
                // No key to seal a payment method with: an order that names one is refused.
                Optional.empty(),
                orderSettings,
                pending,
                metrics,
                new TraceContexts(runtime.vertx(), OpenTelemetry.noop()),
                clock);
        queries = new OrderQueries(orders, pending, payments, orderSettings.recovery(), clock);
        refunds = new Refunds(
                queries, orders, new OrderRefunds(pool), payments, metrics, orderSettings.recovery(), clock);
    }

    @AfterAll
    static void stop() throws Exception {
        runtime.vertx().close().await(30, TimeUnit.SECONDS);
    }

    @Test
    void refusesAnUnknownItemWithAFailedFuture() {
        assertThat(refusal(() -> placeOrder.place(GREGOR, request("no-such-item", null, null, null, null), null)))
                .isInstanceOf(UnknownItem.class);
    }

    @Test
    void refusesALineOfAnUnknownItemOrAnotherPriceNamingTheLine() {
        var lines = List.of(
                new PlaceOrderRequest.Line("t-shirt", 1, null), new PlaceOrderRequest.Line("no-such-item", 1, null));
        assertThat(refusal(() -> placeOrder.place(
                        GREGOR, new PlaceOrderRequest(null, lines, null, null, null, null, null), null)))
                .isInstanceOf(UnknownItem.class)
                .hasMessage("'lines.1.item' names no product of the catalog: see GET /products");
        var priced = List.of(
                new PlaceOrderRequest.Line("t-shirt", 1, new BigDecimal("100")),
                new PlaceOrderRequest.Line("mug", 1, new BigDecimal("1")));
        assertThat(refusal(() -> placeOrder.place(
                        GREGOR, new PlaceOrderRequest(null, priced, null, null, null, null, null), null)))
                .isInstanceOfSatisfying(
                        PriceMismatch.class,
                        mismatch -> assertThat(mismatch.catalogPrice()).isEqualByComparingTo("12.50"));
    }

    @Test
    void refusesAnotherCustomersNameWithAFailedFuture() {
        assertThat(refusal(
                        () -> placeOrder.place(GREGOR, request("t-shirt", null, "Someone else", null, null), "key-1")))
                .isInstanceOf(CustomerMismatch.class);
    }

    @Test
    void refusesAPriceOrCurrencyNotTheCatalogsWithAFailedFuture() {
        assertThat(refusal(() ->
                        placeOrder.place(GREGOR, request("t-shirt", new BigDecimal("1"), null, null, null), null)))
                .isInstanceOf(PriceMismatch.class);
        assertThat(refusal(() -> placeOrder.place(GREGOR, request("t-shirt", null, null, null, "EUR"), null)))
                .isInstanceOf(CurrencyMismatch.class);
    }

    @Test
    void refusesAPaymentMethodThatCannotBeKeptWithAFailedFuture() {
        assertThat(refusal(() -> placeOrder.place(
                        GREGOR,
                        new PlaceOrderRequest("t-shirt", null, null, null, null, null, "4242424242424242"),
                        null)))
                .isInstanceOf(PaymentMethodNotDurable.class);
    }

    @Test
    void refusesAMalformedOrderIdWithAFailedFuture() {
        assertThat(refusal(() -> queries.find(GREGOR, "not-a-uuid"))).isInstanceOf(OrderNotFound.class);
        assertThat(refusal(() -> refunds.refund(GREGOR, "not-a-uuid", null, null)))
                .isInstanceOf(OrderNotFound.class);
    }

    @Test
    void refusesCustomersTheAdminViewsWithAFailedFuture() {
        assertThat(refusal(() -> queries.summary(GREGOR))).isInstanceOf(AdminOnly.class);
        assertThat(refusal(() -> queries.stuck(GREGOR, 0, 20))).isInstanceOf(AdminOnly.class);
    }

    private static PlaceOrderRequest request(
            String item, BigDecimal price, String customer, Integer quantity, String currency) {
        return new PlaceOrderRequest(item, null, price, customer, quantity, currency, null);
    }

    /** The refusal of a call that returns (it does not throw) a Future failed already, before any I/O. */
    private static Throwable refusal(Supplier<Future<?>> call) {
        Future<?> answer = call.get();
        assertThat(answer.failed()).as("failed at once").isTrue();
        return answer.cause();
    }
}
