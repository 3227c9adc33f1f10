package shop.orders.order;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Idempotency keys, scoped by caller: the key, a fingerprint of the request it came with, and the
 * order it created. Kept in the database, so every replica and every restart sees them.
 */
@Repository
class IdempotencyKeys {

    record Entry(String fingerprint, UUID orderId) {
    }

    private final JdbcClient jdbc;

    IdempotencyKeys(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Entry> find(String caller, String key) {
        return jdbc.sql("""
                select request_fingerprint, order_id from idempotency_keys
                where caller = :caller and idempotency_key = :key
                """)
            .param("caller", caller)
            .param("key", key)
            .query((rs, row) -> new Entry(rs.getString("request_fingerprint"), rs.getObject("order_id", UUID.class)))
            .optional();
    }

    /** @throws org.springframework.dao.DuplicateKeyException if a concurrent request took the key first */
    void insert(String caller, String key, Entry entry, Instant now) {
        jdbc.sql("""
                insert into idempotency_keys (caller, idempotency_key, request_fingerprint, order_id, created_at)
                values (:caller, :key, :fingerprint, :orderId, :createdAt)
                """)
            .param("caller", caller)
            .param("key", key)
            .param("fingerprint", entry.fingerprint())
            .param("orderId", entry.orderId())
            .param("createdAt", Timestamp.from(now))
            .update();
    }

    /** Deletes the keys created before {@code cutoff}; returns how many. */
    int deleteCreatedBefore(Instant cutoff) {
        return jdbc.sql("delete from idempotency_keys where created_at < :cutoff")
            .param("cutoff", Timestamp.from(cutoff))
            .update();
    }
}
