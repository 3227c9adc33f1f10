package shop.orders.order;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import shop.defaults.Money;
import shop.testing.TestDatabase;

/**
 * The migration to order lines carries every order placed before it over as an order of one line;
 * the migration to stock gives every product its units, and orders placed before it none.
 */
class OrderLinesMigrationTest {

    static List<TestDatabase> databases() {
        return TestDatabase.everyKind("orders_lines_migration");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void makesEachEarlierOrderAnOrderOfOneLine(TestDatabase database) throws Exception {
        database.migrateTo("5");
        try (Connection db = database.connect();
                Statement statement = db.createStatement()) {
            statement.execute("""
                    insert into orders (id, customer, item, quantity, unit_price_minor, amount_minor, currency, status,
                                        default_payment_method, created_at, updated_at)
                    values ('7d3c1c53-6d1f-4a51-9a57-0d3b0f6a2c11', 'Gregor', 'cap', 3, 2000, 6000, 'USD', 'PAID',
                            true, current_timestamp, current_timestamp)
                    """);
        }
        database.migrateTo("latest");
        try (Connection db = database.connect();
                Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery("select lines, currency from orders")) {
            assertThat(rows.next()).isTrue();
            assertThat(OrderLine.fromColumn(rows.getString("lines"), rows.getString("currency")))
                    .containsExactly(new OrderLine("cap", 3, new Money(2000, "USD")));
            assertThat(rows.next()).isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void givesEveryProductItsStockAndEarlierOrdersNoUnitsTaken(TestDatabase database) throws Exception {
        database.migrateTo("6");
        try (Connection db = database.connect();
                Statement statement = db.createStatement()) {
            statement.execute("""
                    insert into orders (id, customer, lines, item, quantity, unit_price_minor, amount_minor, currency,
                                        status, default_payment_method, created_at, updated_at)
                    values ('5b1d7e0e-3c1a-4c8e-8f0a-2f5b9a7d6c21', 'Gregor',
                            '[{"item":"mug","quantity":2,"unitPriceMinor":1250}]', 'mug', 2, 1250, 2500, 'USD',
                            'PENDING', true, current_timestamp, current_timestamp)
                    """);
        }
        database.migrateTo("latest");
        try (Connection db = database.connect();
                Statement statement = db.createStatement()) {
            try (ResultSet rows = statement.executeQuery(
                    "select p.item, s.available, s.added from products p left join stock s on s.item = p.item")) {
                int products = 0;
                while (rows.next()) {
                    products++;
                    assertThat(rows.getLong("available"))
                            .as(rows.getString("item"))
                            .isEqualTo(1_000_000_000L);
                    assertThat(rows.getLong("added")).as(rows.getString("item")).isEqualTo(1_000_000_000L);
                }
                assertThat(products).isEqualTo(5);
            }
            try (ResultSet rows = statement.executeQuery("select stock_reserved from orders")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getBoolean("stock_reserved"))
                        .as("took no units")
                        .isFalse();
            }
        }
    }
}
