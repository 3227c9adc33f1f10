package shop.orders.order;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import shop.defaults.BatchedWrites;
import shop.defaults.Database;
import shop.defaults.Money;
import shop.orders.catalog.Stock;

/**
 * The orders table (and the claim of an idempotency key with a new order). Every statement is
 * written once, for PostgreSQL and for H2 in PostgreSQL mode.
 */
final class Orders {

    static final String COLUMNS = """
            id, customer, lines, item, quantity, unit_price_minor, amount_minor, currency, status, default_payment_method,
            charge_id, decline_reason, card_brand, card_last4, refund_id, created_at, updated_at, trace_parent, stock_reserved,
            refunded_lines""";

    /**
     * {@code item}, {@code quantity} and {@code unit_price_minor} hold the first line, for the
     * version before lines, which reads them, while both run during a rolling upgrade.
     */
    static final String INSERT = """
            insert into orders (id, customer, lines, item, quantity, unit_price_minor, amount_minor, currency, status,
                                default_payment_method, payment_attempts, next_attempt_at, created_at, updated_at,
                                trace_parent, payment_method_sealed, stock_reserved)
            values (#{id}, #{customer}, #{lines}, #{item}, #{quantity}, #{unitPrice}, #{amount}, #{currency}, 'PENDING',
                    #{defaultPaymentMethod}, 0, #{nextAttemptAt}, #{createdAt}, #{createdAt},
                    #{traceParent}, #{paymentMethodSealed}, true)
            """;

    /** The sealed payment method goes in the same statement that records the outcome: never left behind. */
    private static final String UPDATE = """
            update orders
            set status = #{status}, charge_id = #{chargeId}, decline_reason = #{declineReason},
                card_brand = #{cardBrand}, card_last4 = #{cardLast4}, refund_id = #{refundId},
                payment_method_sealed = null, next_attempt_at = null, updated_at = #{updatedAt}
            where id = #{id} and status = #{expected}
            """;

    private static final String FORGET_PAYMENT_METHOD = """
            update orders set payment_method_sealed = null where id = #{id}
            """;

    private static final String FIND = "select " + COLUMNS + " from orders where id = #{id}";

    private static final String PAGE = " order by created_at desc, id limit #{size} offset #{offset}";

    private static final String PENDING_SINCE = "select " + COLUMNS + """
             from orders where status = 'PENDING' and created_at < #{cutoff}
            order by created_at, id limit #{size} offset #{offset}
            """;

    private static final String PENDING_COUNTS = """
            select count(*) as pending,
                   coalesce(sum(case when created_at < #{cutoff} then 1 else 0 end), 0) as stuck,
                   min(created_at) as oldest
            from orders where status = 'PENDING'
            """;

    /**
     * Orders placed in the last hour by their status now, and how many of them in the last minute:
     * the operators' summary. Each status is a range of {@code orders_by_status}; nothing older than
     * the hour is read.
     */
    private static final String RECENT_COUNTS = """
            select status, count(*) as last_hour,
                   coalesce(sum(case when created_at >= #{minute} then 1 else 0 end), 0) as last_minute
            from orders
            where status in ('PENDING', 'PAID', 'PAYMENT_FAILED', 'PARTIALLY_REFUNDED', 'REFUNDED') and created_at >= #{hour}
            group by status
            """;

    /**
     * Row locks, skipping the rows another replica holds: no order is claimed twice at once. H2
     * (2.3) knows {@code SKIP LOCKED} too, but locks every row it reads to sort (all the due
     * orders) before it applies the limit: while one claim is open, another finds nothing rather
     * than the next orders. Never the same order twice either way; only PostgreSQL, which
     * replicas share, lets two claims go on side by side, and H2 serves a single process, whose
     * job claims one batch at a time.
     */
    static final String CLAIM_DUE = "select " + COLUMNS + """
            , payment_attempts, payment_method_sealed from orders
            where status = 'PENDING' and next_attempt_at <= #{now}
            order by next_attempt_at
            limit #{limit}
            for update skip locked
            """;

    private static final String PUSH_BACK = """
            update orders set payment_attempts = #{attempts}, next_attempt_at = #{next} where id = #{id}
            """;

    /** A pending order the recovery job took, with its sealed payment method, if one is kept. */
    record Claimed(Order order, @Nullable String paymentMethodSealed) {}

    /** How many orders of one status were placed since the hour and since the minute began. */
    record RecentCount(OrderStatus status, long lastHour, long lastMinute) {}

    /** How many orders are pending, how many of them since before a cutoff, and since when the oldest. */
    record PendingCounts(long pending, long stuck, @Nullable Instant oldest) {}

    /**
     * A new order's row, its idempotency key's (null without one), and the lines whose units it
     * takes from stock.
     */
    private record NewOrder(
            Map<String, Object> order, @Nullable Map<String, Object> key, List<OrderLine> lines) {}

    /** A recorded transition's values, and the units it puts back in stock if it wins. */
    private record Transition(Map<String, Object> values, List<OrderLine> returned) {}

    private final Pool pool;

    // The statements of every order, their templates parsed once (parsing one per call showed in
    // profiles); an order's insert and its outcome go to the database in batches with the other
    // orders' of the moment, one commit for all.
    private final Database.Statement insert;
    private final Database.Statement claimKey;
    private final Database.Statement update;
    private final Database.Statement changeStock;
    private final BatchedWrites<NewOrder> inserts;
    private final BatchedWrites<Transition> updates;
    private final SqlTemplate<Map<String, Object>, RowSet<Row>> find;

    Orders(Pool pool) {
        this.pool = pool;
        this.insert = Database.Statement.of(pool, INSERT);
        this.claimKey = Database.Statement.of(pool, IdempotencyKeys.INSERT);
        this.update = Database.Statement.of(pool, UPDATE);
        this.changeStock = Database.Statement.of(pool, Stock.CHANGE);
        this.inserts = new BatchedWrites<>(pool, this::insertAll);
        this.updates = new BatchedWrites<>(pool, this::updateAll);
        this.find = SqlTemplate.forQuery(pool, FIND);
    }

    /** Round trips the batched statements made, fewer than their executions under load. */
    long batches() {
        return inserts.batches() + updates.batches();
    }

    /**
     * New orders, their keys and the units they take, in one transaction: each statement once for
     * all of them, the stock of each product changed once.
     */
    private Future<List<Integer>> insertAll(SqlConnection connection, List<NewOrder> orders) {
        List<Map<String, Object>> keys = new ArrayList<>(orders.size());
        List<OrderLine> lines = new ArrayList<>(orders.size());
        for (NewOrder order : orders) {
            if (order.key() != null) {
                keys.add(order.key());
            }
            lines.addAll(order.lines());
        }
        Future<RowSet<Row>> inserted = insert.executeBatch(
                connection, orders.stream().map(NewOrder::order).toList());
        Future<?> claimed = keys.isEmpty() ? Future.succeededFuture() : claimKey.executeBatch(connection, keys);
        Future<?> taken = changeStock.executeBatch(connection, stockChanges(lines, -1));
        return Future.all(inserted, claimed, taken).map(all -> Database.rowCounts(inserted.result()));
    }

    /**
     * Transitions, then in the same transaction the units of those that won back in stock: a
     * transition that lost changed nothing, and puts nothing back.
     */
    private Future<List<Integer>> updateAll(SqlConnection connection, List<Transition> transitions) {
        // One alone is not a batch: H2's JDBC client answers a batch with a count of its own making.
        Future<RowSet<Row>> updated = transitions.size() == 1
                ? update.execute(connection, transitions.getFirst().values())
                : update.executeBatch(
                        connection, transitions.stream().map(Transition::values).toList());
        return updated.compose(rows -> {
            List<Integer> counts = Database.rowCounts(rows);
            List<OrderLine> returned = new ArrayList<>();
            for (int i = 0; i < transitions.size() && i < counts.size(); i++) {
                if (counts.get(i) == 1) {
                    returned.addAll(transitions.get(i).returned());
                }
            }
            return returned.isEmpty()
                    ? Future.succeededFuture(counts)
                    : changeStock
                            .executeBatch(connection, stockChanges(returned, 1))
                            .map(counts);
        });
    }

    /**
     * Each product's change once, in the products' order: two transactions that change the same
     * products lock their rows in one order, and never wait for each other.
     */
    static List<Map<String, Object>> stockChanges(List<OrderLine> lines, int sign) {
        TreeMap<String, Long> byItem = new TreeMap<>();
        for (OrderLine line : lines) {
            byItem.merge(line.item(), (long) line.quantity(), Long::sum);
        }
        List<Map<String, Object>> changes = new ArrayList<>(byItem.size());
        byItem.forEach((item, units) -> changes.add(Map.of("item", item, "change", sign * units)));
        return changes;
    }

    /**
     * Stores a new {@code PENDING} order, with its sealed payment method and, when the request
     * carried one, its idempotency key: all or nothing. The recovery job takes the order up after
     * {@code firstRetryAt} if it is still pending then.
     *
     * @return false if the key was taken by an earlier (or a concurrent) request: nothing was stored
     */
    Future<Boolean> storePending(
            Order o, Instant firstRetryAt, @Nullable String paymentMethodSealed, IdempotencyKeys.@Nullable Claim key) {
        Map<String, Object> order = insertValues(o, firstRetryAt, paymentMethodSealed);
        if (key == null) {
            return inserts.execute(new NewOrder(order, null, o.lines())).map(true);
        }
        return inserts.execute(new NewOrder(order, IdempotencyKeys.claimValues(key, o.id(), o.createdAt()), o.lines()))
                .map(true)
                // The key is taken: the order's transaction rolled back, the order is not stored.
                .recover(failure -> Database.isUniqueViolation(failure)
                        ? Future.succeededFuture(false)
                        : Future.failedFuture(failure));
    }

    /** Whether storing an order failed for want of the units it asks for: nothing was stored. */
    static boolean isOutOfStock(Throwable failure) {
        return Database.violates(failure, Stock.NOT_NEGATIVE);
    }

    /** The values of {@link #INSERT} for an order. */
    static Map<String, Object> insertValues(Order o, Instant firstRetryAt, @Nullable String paymentMethodSealed) {
        Map<String, Object> order = new HashMap<>(20);
        OrderLine first = o.lines().getFirst();
        order.put("id", o.id());
        order.put("customer", o.customer());
        order.put("lines", OrderLine.toColumn(o.lines()));
        order.put("item", first.item());
        order.put("quantity", first.quantity());
        order.put("unitPrice", first.unitPrice().minorUnits());
        order.put("amount", o.amount().minorUnits());
        order.put("currency", o.amount().currency());
        order.put("defaultPaymentMethod", o.defaultPaymentMethod());
        order.put("nextAttemptAt", utc(firstRetryAt));
        order.put("createdAt", utc(o.createdAt()));
        order.put("traceParent", o.traceParent());
        order.put("paymentMethodSealed", paymentMethodSealed);
        return order;
    }

    /**
     * Records a transition, only if the order still has the status it was read with: of two
     * racing writers (a request and the recovery job, say) exactly one wins. The sealed payment
     * method is erased in the same statement, and the units a failed payment or a refund releases
     * go back to stock in the same transaction.
     */
    Future<Boolean> update(Order o, OrderStatus expected) {
        Payment p = o.payment();
        Map<String, Object> values = new HashMap<>(12);
        values.put("status", o.status().name());
        values.put("chargeId", p.chargeId());
        values.put("declineReason", p.declineReason());
        values.put("cardBrand", p.cardBrand());
        values.put("cardLast4", p.cardLast4());
        values.put("refundId", p.refundId());
        values.put("updatedAt", utc(o.updatedAt()));
        values.put("id", o.id());
        values.put("expected", expected.name());
        return updates.execute(new Transition(values, o.unitsReturnedSince(expected)))
                .map(rows -> rows == 1);
    }

    /** payment-service holds the charge's claim now: the order's sealed payment method is no longer needed. */
    Future<Void> forgetPaymentMethod(UUID id) {
        return SqlTemplate.forUpdate(pool, FORGET_PAYMENT_METHOD)
                .execute(Map.of("id", id))
                .mapEmpty();
    }

    Future<@Nullable Order> find(UUID id) {
        return find.execute(Map.of("id", id))
                .map(rows -> rows.size() == 0 ? null : order(rows.iterator().next()));
    }

    /** Newest first, one page at a time; a null filter matches everything. */
    Future<List<Order>> list(@Nullable String customer, @Nullable OrderStatus status, int page, int size) {
        Map<String, Object> values = new HashMap<>(4);
        StringBuilder sql = new StringBuilder("select ").append(COLUMNS).append(" from orders");
        if (customer != null) {
            sql.append(" where customer = #{customer}");
            values.put("customer", customer);
        }
        if (status != null) {
            sql.append(customer != null ? " and" : " where").append(" status = #{status}");
            values.put("status", status.name());
        }
        values.put("size", size);
        values.put("offset", (long) page * size);
        return SqlTemplate.forQuery(pool, sql.append(PAGE).toString())
                .execute(values)
                .map(Orders::orders);
    }

    /** Pending orders placed before {@code cutoff}, oldest first: the stuck ones, for an operator. */
    Future<List<Order>> pendingSince(Instant cutoff, int page, int size) {
        return SqlTemplate.forQuery(pool, PENDING_SINCE)
                .execute(Map.of("cutoff", utc(cutoff), "size", size, "offset", (long) page * size))
                .map(Orders::orders);
    }

    Future<PendingCounts> pendingCounts(Instant cutoff) {
        return SqlTemplate.forQuery(pool, PENDING_COUNTS)
                .execute(Map.of("cutoff", utc(cutoff)))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new PendingCounts(
                            row.getLong("pending"), row.getLong("stuck"), instantOrNull(row, "oldest"));
                });
    }

    /** Orders placed since {@code hour}, by status, and how many of them since {@code minute}. */
    Future<List<RecentCount>> recentCounts(Instant hour, Instant minute) {
        return SqlTemplate.forQuery(pool, RECENT_COUNTS)
                .execute(Map.of("hour", utc(hour), "minute", utc(minute)))
                .map(rows -> {
                    List<RecentCount> counts = new ArrayList<>(4);
                    for (Row row : rows) {
                        counts.add(new RecentCount(
                                OrderStatus.valueOf(row.getString("status")),
                                row.getLong("last_hour"),
                                row.getLong("last_minute")));
                    }
                    return counts;
                });
    }

    /**
     * Claims up to {@code limit} pending orders whose next attempt is due, and in the same
     * transaction pushes that attempt back past {@code lease} (as long as the claimer's attempt
     * may take), then by {@code backoff}: any number of replicas can claim at once without taking
     * the same order, none can take it again while the attempt it was claimed for may still be in
     * flight, and a claimed order waits for its backoff even if the process that claimed it dies.
     */
    Future<List<Claimed>> claimDue(Instant now, int limit, Duration lease, Backoff backoff) {
        return Database.inTransaction(
                pool,
                connection -> SqlTemplate.forQuery(connection, CLAIM_DUE)
                        .execute(Map.of("now", utc(now), "limit", limit))
                        .compose(rows -> {
                            List<Claimed> claimed = new ArrayList<>(rows.size());
                            List<Map<String, Object>> pushBacks = new ArrayList<>(rows.size());
                            for (Row row : rows) {
                                Order order = order(row);
                                int attempts = row.getInteger("payment_attempts") + 1;
                                claimed.add(new Claimed(order, row.getString("payment_method_sealed")));
                                pushBacks.add(Map.of(
                                        "attempts",
                                        attempts,
                                        "next",
                                        utc(now.plus(lease).plus(backoff.delayAfter(attempts))),
                                        "id",
                                        order.id()));
                            }
                            if (pushBacks.isEmpty()) {
                                return Future.succeededFuture(claimed);
                            }
                            return SqlTemplate.forUpdate(connection, PUSH_BACK)
                                    .executeBatch(pushBacks)
                                    .map(claimed);
                        }));
    }

    private static List<Order> orders(RowSet<Row> rows) {
        List<Order> list = new ArrayList<>(rows.size());
        for (Row row : rows) {
            list.add(order(row));
        }
        return list;
    }

    static Order order(Row row) {
        String currency = row.getString("currency").strip();
        Payment payment = new Payment(
                uuidOrNull(row, "charge_id"),
                row.getString("decline_reason"),
                row.getString("card_brand"),
                row.getString("card_last4"),
                uuidOrNull(row, "refund_id"));
        return new Order(
                uuidOrNull(row, "id"),
                row.getString("customer"),
                lines(row, currency),
                new Money(row.getLong("amount_minor"), currency),
                OrderStatus.valueOf(row.getString("status")),
                row.getBoolean("default_payment_method"),
                payment,
                instantOrNull(row, "created_at"),
                instantOrNull(row, "updated_at"),
                row.getString("trace_parent"),
                row.getBoolean("stock_reserved"),
                row.getString("refunded_lines") == null
                        ? List.of()
                        : OrderLine.fromColumn(row.getString("refunded_lines"), currency));
    }

    /** An order's lines; one stored by the version before lines (no {@code lines}) is its one line. */
    private static List<OrderLine> lines(Row row, String currency) {
        String lines = row.getString("lines");
        return lines != null
                ? OrderLine.fromColumn(lines, currency)
                : List.of(new OrderLine(
                        row.getString("item"),
                        row.getInteger("quantity"),
                        new Money(row.getLong("unit_price_minor"), currency)));
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** A UUID column as either client gives it: the PostgreSQL client's UUID, or what JDBC makes of H2's. */
    static @Nullable UUID uuidOrNull(Row row, String column) {
        Object value = row.getValue(column);
        return switch (value) {
            case null -> null;
            case UUID uuid -> uuid;
            case String text -> UUID.fromString(text);
            case byte[] bytes -> uuid(ByteBuffer.wrap(bytes));
            case Buffer buffer -> uuid(ByteBuffer.wrap(buffer.getBytes()));
            default -> throw new IllegalStateException("Column " + column + " is not a UUID: " + value.getClass());
        };
    }

    static @Nullable Instant instantOrNull(Row row, String column) {
        Object value = row.getValue(column);
        return switch (value) {
            case null -> null;
            case OffsetDateTime time -> time.toInstant();
            case Instant instant -> instant;
            case LocalDateTime local -> local.toInstant(ZoneOffset.UTC);
            case java.sql.Timestamp timestamp -> timestamp.toInstant();
            default -> throw new IllegalStateException("Column " + column + " is not a timestamp: " + value.getClass());
        };
    }

    private static UUID uuid(ByteBuffer bytes) {
        return new UUID(bytes.getLong(), bytes.getLong());
    }
}
