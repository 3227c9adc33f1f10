package shop.orders.catalog;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import shop.defaults.Money;
import shop.defaults.StrictJson;

/**
 * The products, read once at start-up: the catalog changes only with a migration, so every order
 * is priced from memory (no query per order), and {@code GET /products} answers bytes written once.
 */
public final class Catalog {

    private static final String ALL = """
            select item, name, price_minor, currency from products order by item
            """;

    record ProductView(String item, String name, BigDecimal price, String currency) {}

    private final Map<String, Product> products;
    private final Buffer json;

    private Catalog(Map<String, Product> products, Buffer json) {
        this.products = products;
        this.json = json;
    }

    public static Future<Catalog> load(Pool pool) {
        return SqlTemplate.forQuery(pool, ALL).execute(Map.of()).map(rows -> {
            var list = StreamSupport.stream(rows.spliterator(), false)
                    .map(row -> new Product(
                            row.getString("item"),
                            row.getString("name"),
                            new Money(
                                    row.getLong("price_minor"),
                                    row.getString("currency").strip())))
                    .toList();
            Buffer json = StrictJson.write(list.stream()
                    .map(p -> new ProductView(
                            p.item(), p.name(), p.price().amount(), p.price().currency()))
                    .toList());
            return new Catalog(
                    list.stream().collect(Collectors.toUnmodifiableMap(Product::item, Function.identity())), json);
        });
    }

    public Optional<Product> find(String item) {
        return Optional.ofNullable(products.get(item));
    }

    /** {@code GET /products}: public, no credentials needed. */
    public void list(RoutingContext context) {
        context.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(json);
    }
}
