package shop.orders.order;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Idempotency keys, scoped by caller: the key, a fingerprint of the request it came with, and the
 * order it created. Kept in the database, so every replica and every restart sees them; a key is
 * claimed in the same transaction that stores its order ({@link Orders#storePending}).
 */
final class IdempotencyKeys {

    /** Claims a key: fails on a unique violation if it is taken (run by {@link Orders#storePending}). */
    static final String INSERT = """
            insert into idempotency_keys (caller, idempotency_key, request_fingerprint, order_id, created_at)
            values (#{caller}, #{key}, #{fingerprint}, #{orderId}, #{createdAt})
            """;

    private static final String FIND = """
            select request_fingerprint, order_id from idempotency_keys
            where caller = #{caller} and idempotency_key = #{key}
            """;

    private static final String DELETE_CREATED_BEFORE = """
            delete from idempotency_keys where created_at < #{cutoff}
            """;

    /** A key a request means to claim: whose, which, and for what request. */
    record Claim(String caller, String key, String fingerprint) {}

    /** What a key was first used for. */
    record Entry(String fingerprint, UUID orderId) {}

    private final Pool pool;

    IdempotencyKeys(Pool pool) {
        this.pool = pool;
    }

    /** The values of {@link #INSERT} for a claim. */
    static Map<String, Object> claimValues(Claim claim, UUID orderId, Instant createdAt) {
        return Map.of(
                "caller",
                claim.caller(),
                "key",
                claim.key(),
                "fingerprint",
                claim.fingerprint(),
                "orderId",
                orderId,
                "createdAt",
                Orders.utc(createdAt));
    }

    Future<@Nullable Entry> find(String caller, String key) {
        return SqlTemplate.forQuery(pool, FIND)
                .execute(Map.of("caller", caller, "key", key))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row row = rows.iterator().next();
                    return new Entry(row.getString("request_fingerprint").strip(), Orders.uuidOrNull(row, "order_id"));
                });
    }

    /** Deletes the keys created before {@code cutoff}; returns how many. */
    Future<Integer> deleteCreatedBefore(Instant cutoff) {
        return SqlTemplate.forUpdate(pool, DELETE_CREATED_BEFORE)
                .execute(Map.of("cutoff", Orders.utc(cutoff)))
                .map(result -> result.rowCount());
    }
}
