package shop.payments.transaction;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.templates.SqlTemplate;
import io.vertx.sqlclient.templates.TupleMapper;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import shop.defaults.Database;
import shop.defaults.Money;

/**
 * The transactions table. One charge per order at most, and one refund per request key: the
 * unique constraint on {@code (order_id, type, request_key)} decides which of two racing requests
 * creates one (a charge's key is always {@link #WHOLE}), and the loser's insert does nothing ({@code on conflict do nothing}, which H2 in PostgreSQL mode also speaks;
 * neither database is asked for {@code returning}, which H2 lacks: an insert that happened
 * stored exactly the values it was given). The statements are prepared once per pool.
 */
class Transactions {

    /**
     * The request key of a charge (one per order), and of a refund of the whole rest asked without
     * an id of its own (once per order).
     */
    static final UUID WHOLE = new UUID(0, 0);

    private static final String COLUMNS = """
            id, order_id, type, status, amount_minor, currency, decline_reason, card_brand, card_last4,
            processor_token, created_at""";

    private static final String INSERT = """
            insert into transactions (%s, request_key)
            values (#{id}, #{orderId}, #{type}, #{status}, #{amountMinor}, #{currency}, #{declineReason},
                    #{cardBrand}, #{cardLast4}, #{processorToken}, #{createdAt}, #{requestKey})
            on conflict do nothing
            """.formatted(COLUMNS);

    /** The check that keeps a charge's refunds within it. */
    private static final String REFUNDS_WITHIN_CHARGE = "transactions_refunds_within_charge";

    private static final String TAKE_FROM_CHARGE = """
            update transactions set refunded_minor = refunded_minor + #{amountMinor} where id = #{chargeId}
            """;

    private static final String GIVE_BACK_TO_CHARGE = """
            update transactions set refunded_minor = refunded_minor - #{amountMinor} where id = #{chargeId}
            """;

    private static final String DROP_CLAIM = """
            delete from transactions where id = #{id} and status = 'PROCESSING'
            """;

    private static final String SETTLE = """
            update transactions set status = #{status}, decline_reason = #{declineReason}
            where id = #{id} and status = 'PROCESSING'
            """;

    private final Pool pool;
    private final SqlTemplate<Transaction, SqlResult<Void>> insert;
    private final SqlTemplate<Transaction, SqlResult<Void>> settle;
    private final SqlTemplate<Map<String, Object>, RowSet<Row>> ofOrder;
    private final SqlTemplate<Map<String, Object>, RowSet<Transaction>> page;
    private final SqlTemplate<Map<String, Object>, RowSet<Transaction>> pageOfOrder;
    private final Database.Statement claimInTransaction;
    private final Database.Statement settleInTransaction;
    private final Database.Statement takeFromCharge;
    private final Database.Statement giveBackToCharge;
    private final Database.Statement dropClaim;

    Transactions(Pool pool) {
        this.pool = pool;
        insert = SqlTemplate.forUpdate(pool, INSERT).mapFrom(TupleMapper.mapper(Transactions::parameters));
        settle = SqlTemplate.forUpdate(pool, SETTLE).mapFrom(TupleMapper.mapper(Transactions::outcome));
        claimInTransaction = Database.Statement.of(pool, INSERT);
        settleInTransaction = Database.Statement.of(pool, SETTLE);
        takeFromCharge = Database.Statement.of(pool, TAKE_FROM_CHARGE);
        giveBackToCharge = Database.Statement.of(pool, GIVE_BACK_TO_CHARGE);
        dropClaim = Database.Statement.of(pool, DROP_CLAIM);
        ofOrder = SqlTemplate.forQuery(pool, """
                select %s, request_key, refunded_minor from transactions where order_id = #{orderId}
                """.formatted(COLUMNS));
        page = SqlTemplate.forQuery(pool, """
                select %s from transactions
                order by created_at desc, id
                limit #{size} offset #{offset}
                """.formatted(COLUMNS)).mapTo(Transactions::map);
        pageOfOrder = SqlTemplate.forQuery(pool, """
                select %s from transactions where order_id = #{orderId}
                order by created_at desc, id
                limit #{size} offset #{offset}
                """.formatted(COLUMNS)).mapTo(Transactions::map);
    }

    /**
     * Stores a transaction unless its order already has one of its type under {@link #WHOLE}.
     *
     * @return whether it was stored (false: an earlier or concurrent request stored one first)
     */
    Future<Boolean> insert(Transaction transaction) {
        return insert.execute(transaction)
                .map(result -> result.rowCount() == 1)
                // The same answer should a database report the race instead of ignoring it.
                .recover(failure -> Database.isUniqueViolation(failure)
                        ? Future.succeededFuture(false)
                        : Future.failedFuture(failure));
    }

    /**
     * Claims a charge and records the processor's answer to {@code ask} about it in one
     * transaction: one commit instead of two, for a processor that answers at once. The claim's row
     * is locked until then, so a concurrent request for the same order waits and then finds the
     * charge settled; should this process die before the commit, nothing is recorded and the next
     * request asks the processor again, which answers the same for the same order. A processor
     * that could not answer leaves the claim {@code PROCESSING}, committed, to be finished later.
     *
     * @return the answer (the charge settled, or the processor's failure), or null when the order
     *     was already claimed by an earlier or concurrent request
     */
    Future<@Nullable Transaction> claimAndSettle(Transaction claim, Function<Transaction, Future<Transaction>> ask) {
        return Database.<@Nullable Future<Transaction>>inTransaction(
                        pool,
                        connection -> claimInTransaction
                                .execute(connection, parameters(claim))
                                .compose(claimed -> {
                                    if (claimed.rowCount() == 0) {
                                        return Future.succeededFuture(null);
                                    }
                                    Future<Transaction> answer = ask.apply(claim);
                                    return answer.compose(
                                                    settled ->
                                                            settleInTransaction.execute(connection, outcome(settled)),
                                                    unanswered -> Future.succeededFuture())
                                            .map(answer);
                                }))
                .compose(answer -> answer == null ? Future.succeededFuture(null) : answer);
    }

    /**
     * Records the outcome of a claimed charge, unless another request recorded one first.
     *
     * @return whether this outcome was recorded
     */
    Future<Boolean> settle(Transaction settled) {
        return settle.execute(settled).map(result -> result.rowCount() == 1);
    }

    /** The charge of an order (or none), what its refunds took of it, and its refunds by key, in one statement. */
    Future<OfOrder> ofOrder(UUID orderId) {
        return ofOrder.execute(Map.of("orderId", orderId)).map(rows -> {
            Transaction charge = null;
            long refunded = 0;
            Map<UUID, Transaction> refunds = new HashMap<>();
            for (Row row : rows) {
                Transaction t = map(row);
                if (t.type() == Transaction.Type.CHARGE) {
                    charge = t;
                    refunded = row.getLong("refunded_minor");
                } else {
                    refunds.put(row.getUUID("request_key"), t);
                }
            }
            return new OfOrder(charge, refunded, Map.copyOf(refunds));
        });
    }

    /**
     * An order's transactions.
     *
     * @param refundedMinor what its refunds took of the charge: those made and those claimed
     * @param refunds by request key
     */
    record OfOrder(@Nullable Transaction charge, long refundedMinor, Map<UUID, Transaction> refunds) {

        /** What is left of the charge to refund: nothing of one that did not succeed. */
        Money left() {
            Transaction made = Objects.requireNonNull(charge, "an order without a charge has nothing to refund");
            Money amount = made.amount();
            return new Money(made.succeeded() ? amount.minorUnits() - refundedMinor : 0, amount.currency());
        }
    }

    /**
     * Claims a refund: its row {@code PROCESSING} under its key, and its amount taken from what is
     * left of the charge, in one transaction, before the processor is asked.
     *
     * @return false, having changed nothing, when a refund under this key exists; fails with
     *     {@link PaymentProblem.RefundExceedsCharge} when the charge has not that much left
     */
    Future<Boolean> claimRefund(Transaction refund, UUID key, UUID chargeId) {
        Map<String, Object> claim = parameters(refund);
        claim.put("requestKey", key);
        return Database.inTransaction(
                        pool,
                        connection -> claimInTransaction
                                .execute(connection, claim)
                                .compose(claimed -> claimed.rowCount() == 0
                                        ? Future.succeededFuture(false)
                                        : takeFromCharge
                                                .execute(connection, change(refund, chargeId))
                                                .map(true)))
                .recover(failure -> Database.violates(failure, REFUNDS_WITHIN_CHARGE)
                        ? Future.failedFuture(new PaymentProblem.RefundExceedsCharge(refund.orderId()))
                        : Future.failedFuture(failure));
    }

    /**
     * Undoes the claim of a refund the processor did not make: its row gone, its amount back in
     * what is left of the charge, in one transaction; false if another request settled it first.
     */
    Future<Boolean> dropRefundClaim(Transaction refund, UUID chargeId) {
        return Database.inTransaction(
                pool,
                connection -> dropClaim
                        .execute(connection, Map.of("id", refund.id()))
                        .compose(dropped -> dropped.rowCount() == 0
                                ? Future.succeededFuture(false)
                                : giveBackToCharge
                                        .execute(connection, change(refund, chargeId))
                                        .map(true)));
    }

    private static Map<String, Object> change(Transaction refund, UUID chargeId) {
        return Map.of("amountMinor", refund.amount().minorUnits(), "chargeId", chargeId);
    }

    /** Newest first, one page at a time. */
    Future<List<Transaction>> list(@Nullable UUID orderId, int page, int size) {
        Map<String, Object> parameters = new HashMap<>(4);
        parameters.put("size", (long) size);
        parameters.put("offset", (long) page * size);
        if (orderId != null) {
            parameters.put("orderId", orderId);
        }
        return (orderId == null ? this.page : pageOfOrder).execute(parameters).map(rows -> {
            List<Transaction> list = new ArrayList<>(rows.size());
            rows.forEach(list::add);
            return list;
        });
    }

    private static Map<String, Object> parameters(Transaction t) {
        Map<String, Object> parameters = new HashMap<>(16);
        parameters.put("id", t.id());
        parameters.put("orderId", t.orderId());
        parameters.put("type", t.type().name());
        parameters.put("status", t.status().name());
        parameters.put("amountMinor", t.amount().minorUnits());
        parameters.put("currency", t.amount().currency());
        parameters.put("declineReason", t.declineReason());
        parameters.put("cardBrand", t.cardBrand());
        parameters.put("cardLast4", t.cardLast4());
        parameters.put("processorToken", t.processorToken());
        parameters.put("createdAt", t.createdAt().atOffset(ZoneOffset.UTC));
        parameters.put("requestKey", WHOLE);
        return parameters;
    }

    private static Map<String, Object> outcome(Transaction t) {
        Map<String, Object> parameters = new HashMap<>(4);
        parameters.put("id", t.id());
        parameters.put("status", t.status().name());
        parameters.put("declineReason", t.declineReason());
        return parameters;
    }

    private static Transaction map(Row row) {
        return new Transaction(
                row.getUUID("id"),
                row.getUUID("order_id"),
                Transaction.Type.valueOf(row.getString("type")),
                Transaction.Status.valueOf(row.getString("status")),
                new Money(row.getLong("amount_minor"), row.getString("currency")),
                row.getString("decline_reason"),
                row.getString("card_brand"),
                row.getString("card_last4"),
                row.getString("processor_token"),
                row.getOffsetDateTime("created_at").toInstant());
    }
}
