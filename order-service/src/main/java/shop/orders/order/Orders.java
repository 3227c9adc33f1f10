package shop.orders.order;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import shop.defaults.Money;

/** The orders table. */
@Repository
class Orders {

    private final JdbcClient jdbc;

    Orders(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores a new order; the recovery job takes it up after {@code firstRetryAt} if still pending. */
    void insert(Order o, Instant firstRetryAt) {
        jdbc.sql("""
                insert into orders (id, customer, item, quantity, unit_price_minor, amount_minor, currency, status,
                                    default_payment_method, payment_attempts, next_attempt_at, created_at, updated_at,
                                    trace_parent)
                values (:id, :customer, :item, :quantity, :unitPrice, :amount, :currency, :status,
                        :defaultPaymentMethod, 0, :nextAttemptAt, :createdAt, :updatedAt, :traceParent)
                """)
            .param("id", o.id())
            .param("customer", o.customer())
            .param("item", o.item())
            .param("quantity", o.quantity())
            .param("unitPrice", o.unitPrice().minorUnits())
            .param("amount", o.amount().minorUnits())
            .param("currency", o.amount().currency())
            .param("status", o.status().name())
            .param("defaultPaymentMethod", o.defaultPaymentMethod())
            .param("nextAttemptAt", Timestamp.from(firstRetryAt))
            .param("createdAt", Timestamp.from(o.createdAt()))
            .param("updatedAt", Timestamp.from(o.updatedAt()))
            .param("traceParent", o.traceParent())
            .update();
    }

    /**
     * Records a transition, only if the order still has the status it was read with: of two
     * racing writers (a request and the recovery job, say) exactly one wins.
     */
    boolean update(Order o, OrderStatus expected) {
        return jdbc.sql("""
                update orders
                set status = :status, charge_id = :chargeId, decline_reason = :declineReason,
                    card_brand = :cardBrand, card_last4 = :cardLast4, refund_id = :refundId,
                    next_attempt_at = null, updated_at = :updatedAt
                where id = :id and status = :expected
                """)
            .param("status", o.status().name())
            .param("chargeId", o.chargeId())
            .param("declineReason", o.declineReason())
            .param("cardBrand", o.cardBrand())
            .param("cardLast4", o.cardLast4())
            .param("refundId", o.refundId())
            .param("updatedAt", Timestamp.from(o.updatedAt()))
            .param("id", o.id())
            .param("expected", expected.name())
            .update() == 1;
    }

    Optional<Order> find(UUID id) {
        return jdbc.sql("select * from orders where id = :id").param("id", id).query(Orders::map).optional();
    }

    /** Newest first, one page at a time; a null filter matches everything. */
    List<Order> list(@Nullable String customer, @Nullable OrderStatus status, int page, int size) {
        StringBuilder sql = new StringBuilder("select * from orders where 1 = 1");
        if (customer != null) {
            sql.append(" and customer = :customer");
        }
        if (status != null) {
            sql.append(" and status = :status");
        }
        sql.append(" order by created_at desc, id limit :size offset :offset");
        var query = jdbc.sql(sql.toString()).param("size", size).param("offset", (long) page * size);
        if (customer != null) {
            query = query.param("customer", customer);
        }
        if (status != null) {
            query = query.param("status", status.name());
        }
        return query.query(Orders::map).list();
    }

    /** Pending orders placed before {@code cutoff}, oldest first: the stuck ones, for an operator. */
    List<Order> pendingSince(Instant cutoff, int page, int size) {
        return jdbc.sql("""
                select * from orders where status = 'PENDING' and created_at < :cutoff
                order by created_at, id limit :size offset :offset
                """)
            .param("cutoff", Timestamp.from(cutoff))
            .param("size", size)
            .param("offset", (long) page * size)
            .query(Orders::map)
            .list();
    }

    /** How many orders are pending, how many of them since before {@code cutoff}, and since when the oldest. */
    record PendingCounts(long pending, long stuck, @Nullable Instant oldest) {
    }

    PendingCounts pendingCounts(Instant cutoff) {
        return jdbc.sql("""
                select count(*) as pending,
                       sum(case when created_at < :cutoff then 1 else 0 end) as stuck,
                       min(created_at) as oldest
                from orders where status = 'PENDING'
                """)
            .param("cutoff", Timestamp.from(cutoff))
            .query((rs, row) -> new PendingCounts(rs.getLong("pending"), rs.getLong("stuck"),
                    rs.getTimestamp("oldest") == null ? null : rs.getTimestamp("oldest").toInstant()))
            .single();
    }

    /**
     * Claims pending orders whose next attempt is due, and pushes that attempt back by
     * {@code backoff}. {@code SKIP LOCKED} lets several replicas claim at once without taking
     * the same order; call it inside a transaction.
     */
    List<Order> claimDue(Instant now, int limit, Backoff backoff) {
        record Due(Order order, int attempts) {
        }
        List<Due> due = jdbc.sql("""
                select * from orders
                where status = 'PENDING' and next_attempt_at <= :now
                order by next_attempt_at
                limit :limit
                for update skip locked
                """)
            .param("now", Timestamp.from(now))
            .param("limit", limit)
            .query((rs, row) -> new Due(map(rs, row), rs.getInt("payment_attempts")))
            .list();
        for (Due d : due) {
            jdbc.sql("update orders set payment_attempts = :attempts, next_attempt_at = :next where id = :id")
                .param("attempts", d.attempts() + 1)
                .param("next", Timestamp.from(now.plus(backoff.delayAfter(d.attempts() + 1))))
                .param("id", d.order().id())
                .update();
        }
        return due.stream().map(Due::order).toList();
    }

    private static Order map(ResultSet rs, int row) throws SQLException {
        String currency = rs.getString("currency");
        return new Order(rs.getObject("id", UUID.class), rs.getString("customer"), rs.getString("item"),
                rs.getInt("quantity"), new Money(rs.getLong("unit_price_minor"), currency),
                new Money(rs.getLong("amount_minor"), currency), OrderStatus.valueOf(rs.getString("status")),
                rs.getBoolean("default_payment_method"), rs.getObject("charge_id", UUID.class),
                rs.getString("decline_reason"), rs.getString("card_brand"), rs.getString("card_last4"),
                rs.getObject("refund_id", UUID.class), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(), rs.getString("trace_parent"));
    }
}
