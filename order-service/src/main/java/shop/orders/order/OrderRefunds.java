package shop.orders.order;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import shop.defaults.Database;
import shop.defaults.Money;
import shop.orders.catalog.Stock;

/**
 * The refunds table, and the two transactions of a refund on the order: its request, which holds
 * its units under the order's row lock (so that two refunds never take one unit), and its record
 * once payment-service has made it, which adds its units to the order's refunded ones, moves the
 * order to {@code PARTIALLY_REFUNDED} or {@code REFUNDED} and puts the units back in stock.
 */
final class OrderRefunds {

    /** A refund of some units of an order; {@code transactionId} is payment-service's, once made. */
    record Refund(
            UUID id,
            UUID orderId,
            @Nullable String caller,
            @Nullable String idempotencyKey,
            List<OrderLine> lines,
            Money amount,
            boolean made,
            @Nullable UUID transactionId) {}

    private static final String COLUMNS =
            "id, order_id, caller, idempotency_key, lines, amount_minor, currency, status, transaction_id";

    private static final String ORDER_FOR_UPDATE =
            "select " + Orders.COLUMNS + " from orders where id = #{id} for update";

    private static final String HELD = """
            select lines, currency from refunds where order_id = #{orderId} and status = 'REQUESTED'
            """;

    private static final String INSERT = """
            insert into refunds (id, order_id, caller, idempotency_key, lines, amount_minor, currency, status,
                                 attempts, next_attempt_at, created_at, updated_at)
            values (#{id}, #{orderId}, #{caller}, #{key}, #{lines}, #{amount}, #{currency}, 'REQUESTED',
                    0, #{nextAttemptAt}, #{now}, #{now})
            """;

    private static final String BY_KEY =
            "select " + COLUMNS + " from refunds where caller = #{caller} and idempotency_key = #{key}";

    private static final String MADE = """
            update refunds set status = 'SUCCEEDED', transaction_id = #{transactionId}, next_attempt_at = null,
                               updated_at = #{now}
            where id = #{id} and status = 'REQUESTED'
            """;

    private static final String DROP = "delete from refunds where id = #{id} and status = 'REQUESTED'";

    private static final String ORDER_REFUNDED = """
            update orders set status = #{status}, refunded_lines = #{refunded}, refund_id = #{refundId},
                              updated_at = #{now}
            where id = #{id}
            """;

    /** As the orders' claim: row locks that skip what another replica holds, then pushed back. */
    private static final String CLAIM_DUE = "select " + COLUMNS + """
            , attempts from refunds where status = 'REQUESTED' and next_attempt_at <= #{now}
            order by next_attempt_at
            limit #{limit}
            for update skip locked
            """;

    private static final String PUSH_BACK = """
            update refunds set attempts = attempts + 1, next_attempt_at = #{next} where id = #{id}
            """;

    private final Pool pool;

    OrderRefunds(Pool pool) {
        this.pool = pool;
    }

    /**
     * Requests a refund of the order, under its row's lock: {@code choose} is given the order as
     * it is and each line's units that no refund has taken or holds, and answers the lines to
     * refund (or throws the request's refusal); they are stored {@code REQUESTED}, holding their
     * units. The recovery job may finish it from {@code firstRetryAt}.
     *
     * @return the refund; fails with a unique violation when the key names a refund already
     */
    Future<Refund> request(
            UUID orderId,
            BiFunction<Order, Map<String, Integer>, List<OrderLine>> choose,
            @Nullable String caller,
            @Nullable String key,
            Instant now,
            Instant firstRetryAt) {
        return Database.inTransaction(
                pool,
                connection -> lockOrder(connection, orderId)
                        .compose(order -> SqlTemplate.forQuery(connection, HELD)
                                .execute(Map.of("orderId", orderId))
                                .compose(held -> {
                                    Map<String, Integer> left = order.unitsLeft();
                                    for (Row row : held) {
                                        for (OrderLine line : OrderLine.fromColumn(
                                                row.getString("lines"), row.getString("currency"))) {
                                            left.merge(line.item(), -line.quantity(), Integer::sum);
                                        }
                                    }
                                    List<OrderLine> lines = choose.apply(order, left);
                                    Money amount = OrderLine.total(
                                            lines, order.amount().currency());
                                    Refund refund = new Refund(
                                            UUID.randomUUID(),
                                            orderId,
                                            caller,
                                            key,
                                            List.copyOf(lines),
                                            amount,
                                            false,
                                            null);
                                    Map<String, Object> values = new HashMap<>(12);
                                    values.put("id", refund.id());
                                    values.put("orderId", orderId);
                                    values.put("caller", caller);
                                    values.put("key", key);
                                    values.put("lines", OrderLine.toColumn(lines));
                                    values.put("amount", amount.minorUnits());
                                    values.put("currency", amount.currency());
                                    values.put("nextAttemptAt", Orders.utc(firstRetryAt));
                                    values.put("now", Orders.utc(now));
                                    return SqlTemplate.forUpdate(connection, INSERT)
                                            .execute(values)
                                            .map(refund);
                                })));
    }

    /** The refund a caller's idempotency key names, if any. */
    Future<@Nullable Refund> byKey(String caller, String key) {
        return SqlTemplate.forQuery(pool, BY_KEY)
                .execute(Map.of("caller", caller, "key", key))
                .map(rows -> rows.size() == 0 ? null : refund(rows.iterator().next()));
    }

    /**
     * Records a refund payment-service made, in one transaction with the order: its units added
     * to the order's refunded ones (and the order's status moved on), and put back in stock if the
     * order took them. A refund recorded already changes nothing.
     *
     * @return the order as it is now
     */
    Future<Order> recordMade(Refund refund, UUID transactionId, Instant now) {
        return Database.inTransaction(
                pool,
                connection -> lockOrder(connection, refund.orderId())
                        .compose(order -> SqlTemplate.forUpdate(connection, MADE)
                                .execute(Map.of(
                                        "id", refund.id(), "transactionId", transactionId, "now", Orders.utc(now)))
                                .compose(made -> {
                                    if (made.rowCount() == 0) {
                                        return Future.succeededFuture(order);
                                    }
                                    Order refunded = order.withRefund(refund.lines(), transactionId, now);
                                    Map<String, Object> values = new HashMap<>(6);
                                    values.put("status", refunded.status().name());
                                    values.put("refunded", OrderLine.toColumn(refunded.refunded()));
                                    values.put("refundId", transactionId);
                                    values.put("now", Orders.utc(now));
                                    values.put("id", refunded.id());
                                    Future<?> recorded = SqlTemplate.forUpdate(connection, ORDER_REFUNDED)
                                            .execute(values);
                                    if (order.stockReserved()) {
                                        recorded =
                                                recorded.compose(done -> SqlTemplate.forUpdate(connection, Stock.CHANGE)
                                                        .executeBatch(Orders.stockChanges(refund.lines(), 1)));
                                    }
                                    return recorded.map(refunded);
                                })));
    }

    /** Deletes a refund that was not made (the processor refused it): its units are free again. */
    Future<Void> drop(Refund refund) {
        return SqlTemplate.forUpdate(pool, DROP)
                .execute(Map.of("id", refund.id()))
                .mapEmpty();
    }

    /**
     * Claims up to {@code limit} requested refunds whose next attempt is due, pushing that attempt
     * back past {@code lease} and {@code backoff}, in one transaction, as {@link Orders#claimDue}
     * does for orders.
     */
    Future<List<Refund>> claimDue(Instant now, int limit, Duration lease, Backoff backoff) {
        return Database.inTransaction(
                pool,
                connection -> SqlTemplate.forQuery(connection, CLAIM_DUE)
                        .execute(Map.of("now", Orders.utc(now), "limit", limit))
                        .compose(rows -> {
                            List<Refund> claimed = new ArrayList<>(rows.size());
                            List<Map<String, Object>> pushBacks = new ArrayList<>(rows.size());
                            for (Row row : rows) {
                                Refund refund = refund(row);
                                claimed.add(refund);
                                int attempts = row.getInteger("attempts") + 1;
                                pushBacks.add(Map.of(
                                        "next", Orders.utc(now.plus(lease).plus(backoff.delayAfter(attempts))),
                                        "id", refund.id()));
                            }
                            return pushBacks.isEmpty()
                                    ? Future.succeededFuture(claimed)
                                    : SqlTemplate.forUpdate(connection, PUSH_BACK)
                                            .executeBatch(pushBacks)
                                            .map(claimed);
                        }));
    }

    private static Future<Order> lockOrder(SqlConnection connection, UUID orderId) {
        return SqlTemplate.forQuery(connection, ORDER_FOR_UPDATE)
                .execute(Map.of("id", orderId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw new OrderProblem.OrderNotFound();
                    }
                    return Orders.order(rows.iterator().next());
                });
    }

    private static Refund refund(Row row) {
        String currency = row.getString("currency").strip();
        return new Refund(
                Orders.uuidOrNull(row, "id"),
                Orders.uuidOrNull(row, "order_id"),
                row.getString("caller"),
                row.getString("idempotency_key"),
                OrderLine.fromColumn(row.getString("lines"), currency),
                new Money(row.getLong("amount_minor"), currency),
                "SUCCEEDED".equals(row.getString("status")),
                Orders.uuidOrNull(row, "transaction_id"));
    }
}
