package shop.orders.catalog;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import shop.defaults.Database;

/**
 * How many units of each product can be sold now. Placing an order takes its lines' units in the
 * transaction that stores it, a failed payment or a refund puts them back in the transaction that
 * records it ({@link #CHANGE}, by the order feature), and an admin sets a number ({@link #set}) or
 * adds units delivered ({@link #add}).
 * The database keeps {@code available} from going below 0 ({@link #NOT_NEGATIVE}): an order that
 * would is refused by its own insert's transaction, never by a check made before it.
 */
public final class Stock {

    /** The constraint an order for more units than are available violates. */
    public static final String NOT_NEGATIVE = "stock_available_not_negative";

    /**
     * Takes units ({@code change} below 0) or puts them back. The transactions that run it for
     * several products run it in the products' order, so that two never wait for each other.
     */
    public static final String CHANGE = """
            update stock set available = available + #{change} where item = #{item}
            """;

    private static final String ALL = "select item, available from stock";

    private static final String ONE_FOR_UPDATE = """
            select available from stock where item = #{item} for update
            """;

    /** {@code added} follows, so that what was ever added still accounts for every unit. */
    private static final String SET = """
            update stock set added = added + #{available} - available, available = #{available} where item = #{item}
            """;

    /**
     * Adds to what orders leave, in one statement: nothing read before it can be stale. Bounded,
     * so that a product never holds more than {@link Catalog.StockSetting#MAX}.
     */
    private static final String ADD = """
            update stock set added = added + #{units}, available = available + #{units}
            where item = #{item} and available + #{units} <= #{max}
            """;

    /** A product's units, read after {@link #ADD} in its transaction (H2 has no {@code returning}). */
    private static final String ONE = "select available from stock where item = #{item}";

    /** What an admin's setting changed. */
    public record Change(String item, long before, long after) {}

    private final Pool pool;

    public Stock(Pool pool) {
        this.pool = pool;
    }

    /** Every product's available units, by item. */
    public Future<Map<String, Long>> available() {
        return SqlTemplate.forQuery(pool, ALL).execute(Map.of()).map(rows -> {
            Map<String, Long> available = new HashMap<>();
            for (Row row : rows) {
                available.put(row.getString("item"), row.getLong("available"));
            }
            return available;
        });
    }

    /** Sets a product's available units; the number it had, which no order changes meanwhile. */
    Future<Change> set(String item, long available) {
        return Database.inTransaction(
                pool,
                connection -> SqlTemplate.forQuery(connection, ONE_FOR_UPDATE)
                        .execute(Map.of("item", item))
                        .compose(rows -> {
                            long before = rows.iterator().next().getLong("available");
                            return SqlTemplate.forUpdate(connection, SET)
                                    .execute(Map.of("item", item, "available", available))
                                    .map(done -> new Change(item, before, available));
                        }));
    }

    /** Adds units to a product's available ones; the numbers before and after, or empty past the bound. */
    Future<Optional<Change>> add(String item, long units) {
        return Database.inTransaction(
                pool,
                connection -> SqlTemplate.forUpdate(connection, ADD)
                        .execute(Map.of("item", item, "units", units, "max", Catalog.StockSetting.MAX))
                        .compose(added -> added.rowCount() == 0
                                ? Future.succeededFuture(Optional.empty())
                                : SqlTemplate.forQuery(connection, ONE)
                                        .execute(Map.of("item", item))
                                        .map(rows -> {
                                            long after = rows.iterator().next().getLong("available");
                                            return Optional.of(new Change(item, after - units, after));
                                        })));
    }
}
