package shop.payments.transaction;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import shop.defaults.Money;

/** The transactions table. A second charge or refund for one order violates a unique constraint. */
@Repository
class Transactions {

    private final JdbcClient jdbc;

    Transactions(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** @throws org.springframework.dao.DuplicateKeyException if the order already has one of this type */
    void insert(Transaction t) {
        jdbc.sql("""
                insert into transactions (id, order_id, type, status, amount_minor, currency, decline_reason,
                                          card_brand, card_last4, processor_token, created_at)
                values (:id, :orderId, :type, :status, :amountMinor, :currency, :declineReason,
                        :cardBrand, :cardLast4, :processorToken, :createdAt)
                """)
            .param("id", t.id())
            .param("orderId", t.orderId())
            .param("type", t.type().name())
            .param("status", t.status().name())
            .param("amountMinor", t.amount().minorUnits())
            .param("currency", t.amount().currency())
            .param("declineReason", t.declineReason())
            .param("cardBrand", t.cardBrand())
            .param("cardLast4", t.cardLast4())
            .param("processorToken", t.processorToken())
            .param("createdAt", Timestamp.from(t.createdAt()))
            .update();
    }

    /** Records the outcome of a claimed charge, unless another request recorded one first. */
    boolean settle(Transaction settled) {
        return jdbc.sql("""
                update transactions set status = :status, decline_reason = :declineReason
                where id = :id and status = 'PROCESSING'
                """)
            .param("status", settled.status().name())
            .param("declineReason", settled.declineReason())
            .param("id", settled.id())
            .update() == 1;
    }

    Optional<Transaction> find(UUID orderId, Transaction.Type type) {
        return jdbc.sql("select * from transactions where order_id = :orderId and type = :type")
            .param("orderId", orderId)
            .param("type", type.name())
            .query(Transactions::map)
            .optional();
    }

    /** Newest first, one page at a time. */
    List<Transaction> list(@Nullable UUID orderId, int page, int size) {
        String where = orderId == null ? "" : "where order_id = :orderId";
        var query = jdbc.sql("""
                select * from transactions %s
                order by created_at desc, id
                limit :size offset :offset
                """.formatted(where))
            .param("size", size)
            .param("offset", (long) page * size);
        if (orderId != null) {
            query = query.param("orderId", orderId);
        }
        return query.query(Transactions::map).list();
    }

    private static Transaction map(ResultSet rs, int row) throws SQLException {
        return new Transaction(rs.getObject("id", UUID.class), rs.getObject("order_id", UUID.class),
                Transaction.Type.valueOf(rs.getString("type")), Transaction.Status.valueOf(rs.getString("status")),
                new Money(rs.getLong("amount_minor"), rs.getString("currency")), rs.getString("decline_reason"),
                rs.getString("card_brand"), rs.getString("card_last4"), rs.getString("processor_token"),
                rs.getTimestamp("created_at").toInstant());
    }
}
