package shop.orders.catalog;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import shop.defaults.Money;

/**
 * The products, read once at start-up: the catalog changes only with a migration, and pricing
 * every order from memory saves a query per order.
 */
@Repository
public class Catalog {

    private final Map<String, Product> products;

    Catalog(JdbcClient jdbc) {
        this.products = jdbc.sql("select item, name, price_minor, currency from products order by item")
            .query((rs, row) -> new Product(rs.getString("item"), rs.getString("name"),
                    new Money(rs.getLong("price_minor"), rs.getString("currency"))))
            .list()
            .stream()
            .collect(Collectors.toUnmodifiableMap(Product::item, Function.identity()));
    }

    public Optional<Product> find(String item) {
        return Optional.ofNullable(products.get(item));
    }

    Collection<Product> all() {
        return products.values();
    }
}
