package shop.orders.catalog;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shop.defaults.Caller;
import shop.defaults.Database;
import shop.defaults.InternalAuthentication;
import shop.defaults.Money;
import shop.defaults.Problem;
import shop.defaults.ProblemException;
import shop.defaults.ServiceRuntime;
import shop.defaults.StrictJson;

/**
 * The products, priced from memory (no query per order): read at start-up, after each price an
 * admin sets here, and every {@link #REFRESH} (so that a price set through another replica is
 * charged here within that). An order keeps the unit prices it was placed at. Their {@link Stock}
 * is read from the database for every {@code GET /products}, since every order changes it.
 */
public final class Catalog {

    private static final Logger log = LoggerFactory.getLogger(Catalog.class);

    /** How often the products are read again: how long a price set elsewhere may take to be charged here. */
    public static final Duration REFRESH = Duration.ofSeconds(1);

    private static final String ALL = """
            select item, name, price_minor, currency from products order by item
            """;

    private static final String PRICE_FOR_UPDATE = """
            select price_minor from products where item = #{item} for update
            """;

    private static final String SET_PRICE = """
            update products set price_minor = #{price} where item = #{item}
            """;

    record ProductView(String item, String name, BigDecimal price, String currency, long available) {}

    /** The body of {@code PUT /products/{item}/stock}. */
    record StockSetting(Long available) {

        /** A bound far above any shop's stock, so that sums of units never overflow. */
        static final long MAX = 1_000_000_000_000L;

        @SuppressWarnings("ConstantValue") // JSON may leave out what the type says is there
        StockSetting {
            if (available == null) {
                throw new ProblemException(Problem.invalidField("available", "is required"));
            }
            if (available < 0 || available > MAX) {
                throw new ProblemException(Problem.invalidField("available", "must be between 0 and " + MAX));
            }
        }
    }

    /** The body of {@code POST /products/{item}/stock/additions}. */
    record StockAddition(Long units) {

        @SuppressWarnings("ConstantValue") // JSON may leave out what the type says is there
        StockAddition {
            if (units == null) {
                throw new ProblemException(Problem.invalidField("units", "is required"));
            }
            if (units < 1 || units > StockSetting.MAX) {
                throw new ProblemException(Problem.invalidField("units", "must be between 1 and " + StockSetting.MAX));
            }
        }
    }

    /** The body of {@code PUT /products/{item}/price}: in the product's currency. */
    record PriceSetting(BigDecimal price) {

        private static final BigDecimal MAX = new BigDecimal("999999999999.99");

        @SuppressWarnings("ConstantValue") // JSON may leave out what the type says is there
        PriceSetting {
            if (price == null) {
                throw new ProblemException(Problem.invalidField("price", "is required"));
            }
            if (price.signum() <= 0) {
                throw new ProblemException(Problem.invalidField("price", "must be greater than 0"));
            }
            if (price.stripTrailingZeros().scale() > 2 || price.compareTo(MAX) > 0) {
                throw new ProblemException(
                        Problem.invalidField("price", "numeric value out of bounds (<12 digits>.<2 digits> expected)"));
            }
        }
    }

    /** The products as last read: replaced whole, read by every event loop. */
    private record Products(List<Product> list, Map<String, Product> byItem) {

        Products(List<Product> list) {
            this(list, list.stream().collect(Collectors.toUnmodifiableMap(Product::item, Function.identity())));
        }
    }

    private final Pool pool;
    private final Stock stock;
    private volatile Products products;

    private Catalog(Pool pool, Products products) {
        this.pool = pool;
        this.stock = new Stock(pool);
        this.products = products;
    }

    public static Future<Catalog> load(Pool pool) {
        return read(pool).map(products -> new Catalog(pool, products));
    }

    private static Future<Products> read(Pool pool) {
        return SqlTemplate.forQuery(pool, ALL)
                .execute(Map.of())
                .map(rows -> new Products(StreamSupport.stream(rows.spliterator(), false)
                        .map(row -> new Product(
                                row.getString("item"),
                                row.getString("name"),
                                new Money(
                                        row.getLong("price_minor"),
                                        row.getString("currency").strip())))
                        .toList()));
    }

    /** Reads the products again every {@link #REFRESH}, until the service stops. */
    public void refreshEvery(ServiceRuntime runtime) {
        Vertx vertx = runtime.vertx();
        long timer = vertx.setPeriodic(
                REFRESH.toMillis(),
                tick -> refresh()
                        .onFailure(failure -> log.debug("The catalog was not read again: {}", failure.toString())));
        runtime.onShutdown(() -> {
            vertx.cancelTimer(timer);
            return Future.succeededFuture();
        });
    }

    private Future<Void> refresh() {
        return read(pool).map(read -> {
            products = read;
            return null;
        });
    }

    public Optional<Product> find(String item) {
        return Optional.ofNullable(products.byItem().get(item));
    }

    public Stock stock() {
        return stock;
    }

    /** {@code GET /products}: public, no credentials needed. */
    public void list(RoutingContext context) {
        List<Product> list = products.list();
        stock.available()
                .onSuccess(available -> json(
                        context,
                        list.stream()
                                .map(p -> view(p, available.getOrDefault(p.item(), 0L)))
                                .toList()))
                .onFailure(context::fail);
    }

    /**
     * {@code PUT /products/{item}/stock}: admins only; sets the units available now, and logs who
     * set it from what to what.
     */
    public void setStock(RoutingContext context) {
        Caller caller = admin(context, "set stock");
        Product product = product(context);
        StrictJson.requireJson(context);
        StockSetting setting = StrictJson.read(context.body().buffer(), StockSetting.class);
        stock.set(product.item(), setting.available())
                .onSuccess(change -> {
                    log.info(
                            "Stock of {} set from {} to {} by admin {}",
                            change.item(),
                            change.before(),
                            change.after(),
                            caller.customer());
                    json(context, view(product, change.after()));
                })
                .onFailure(context::fail);
    }

    /**
     * {@code POST /products/{item}/stock/additions}: admins only; adds units delivered to what
     * concurrent orders leave, and logs who added how many, from what to what.
     */
    public void addStock(RoutingContext context) {
        Caller caller = admin(context, "add stock");
        Product product = product(context);
        StrictJson.requireJson(context);
        StockAddition addition = StrictJson.read(context.body().buffer(), StockAddition.class);
        stock.add(product.item(), addition.units())
                .onSuccess(added -> {
                    if (added.isEmpty()) {
                        context.fail(new ProblemException(Problem.invalidField(
                                "units", "would make more than " + StockSetting.MAX + " available")));
                        return;
                    }
                    Stock.Change change = added.get();
                    log.info(
                            "Stock of {}: {} added by admin {}, from {} to {}",
                            change.item(),
                            addition.units(),
                            caller.customer(),
                            change.before(),
                            change.after());
                    json(context, view(product, change.after()));
                })
                .onFailure(context::fail);
    }

    /**
     * {@code PUT /products/{item}/price}: admins only; the price charged from now on (here at
     * once, on other replicas within {@link #REFRESH}); logged, with who set it from what.
     * Orders placed before keep their unit prices, and so do their refunds.
     */
    public void setPrice(RoutingContext context) {
        Caller caller = admin(context, "set prices");
        Product product = product(context);
        StrictJson.requireJson(context);
        PriceSetting setting = StrictJson.read(context.body().buffer(), PriceSetting.class);
        Money price;
        try {
            price = Money.of(setting.price(), product.price().currency());
        } catch (ArithmeticException tooPrecise) {
            throw new ProblemException(Problem.invalidField(
                    "price", "has more decimals than " + product.price().currency() + " has"));
        }
        Database.inTransaction(
                        pool,
                        connection -> SqlTemplate.forQuery(connection, PRICE_FOR_UPDATE)
                                .execute(Map.of("item", product.item()))
                                .compose(rows -> {
                                    Money before =
                                            new Money(rows.iterator().next().getLong("price_minor"), price.currency());
                                    return SqlTemplate.forUpdate(connection, SET_PRICE)
                                            .execute(Map.of("item", product.item(), "price", price.minorUnits()))
                                            .map(before);
                                }))
                .onSuccess(before -> log.info(
                        "Price of {} set from {} to {} by admin {}", product.item(), before, price, caller.customer()))
                .compose(set -> refresh())
                .compose(read -> stock.available())
                .onSuccess(available -> json(
                        context, view(find(product.item()).orElseThrow(), available.getOrDefault(product.item(), 0L))))
                .onFailure(context::fail);
    }

    private static Caller admin(RoutingContext context, String what) {
        Caller caller = InternalAuthentication.caller(context);
        if (!caller.isAdmin()) {
            throw new ProblemException(Problem.of(403, "forbidden", "Only an admin may " + what));
        }
        return caller;
    }

    private Product product(RoutingContext context) {
        return find(context.pathParam("item"))
                .orElseThrow(() -> new ProblemException(
                        Problem.of(404, "product-not-found", "No such product: see GET /products")));
    }

    private static void json(RoutingContext context, Object body) {
        context.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(StrictJson.write(body));
    }

    private static ProductView view(Product product, long available) {
        return new ProductView(
                product.item(),
                product.name(),
                product.price().amount(),
                product.price().currency(),
                available);
    }
}
