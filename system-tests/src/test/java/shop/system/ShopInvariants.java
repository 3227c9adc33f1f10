package shop.system;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The saga's invariants (docs/design.md, "The saga, and what nothing lost means"), checked against
 * both services' databases and the answers clients got: no acknowledged order lost, no double
 * charge, every PAID order charged exactly its amount once, no charge without its order, no
 * failed order charged, no refund beyond its charge, no answer contradicted, nothing left PENDING,
 * and every product's every unit accounted for: available + taken by pending and paid orders =
 * added, available never below 0.
 */
final class ShopInvariants {

    /**
     * What a client was told about an order it placed (status and amount when it kept them), and
     * whether it paid with a card that must end paid (a good one, or none: the default test card).
     */
    record Answer(
            String orderId,
            int httpStatus,
            @Nullable String status,
            @Nullable BigDecimal amount,
            boolean goodCard) {}

    private static final JsonMapper JSON = new JsonMapper();

    private ShopInvariants() {}

    /**
     * Waits, up to {@code timeout}, until no order is PENDING (asked through the gateway as admin,
     * so it works on either database while the services run); returns how many still are.
     */
    static long awaitNoPendingOrders(Gateway gateway, java.time.Duration timeout) throws InterruptedException {
        java.time.Instant deadline = java.time.Instant.now().plus(timeout);
        long pending;
        do {
            Thread.sleep(500);
            pending = gateway.get("/orders?status=PENDING&size=100", Gateway.ADMIN)
                    .json()
                    .size();
        } while (pending > 0 && java.time.Instant.now().isBefore(deadline));
        return pending;
    }

    /**
     * Orders that no idempotency key placed: none where every request sent one (as {@link
     * RetryingClients} do), since a retry that placed a second order would leave it without a key.
     */
    static long ordersWithoutTheirKey(ShopProcesses shop) throws SQLException {
        try (Connection db = shop.database("order-service").connect();
                ResultSet rs = db.createStatement().executeQuery("""
                        select count(*) from orders o
                        where not exists (select 1 from idempotency_keys k where k.order_id = o.id)
                        """)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The database rows the invariants are about. */
    record OrderRow(String id, String status, long amountMinor) {}

    record ChargeRow(String orderId, String type, String status, long amountMinor) {}

    /** What the check found: a count per invariant, and each violation named. */
    record Found(
            int acknowledged,
            long lost,
            long pendingLeft,
            long doubleCharges,
            long paidWithoutOneCharge,
            long chargesWithoutOrder,
            long failedButCharged,
            long refundsBeyondCharge,
            long answersContradicted,
            long goodCardFailed,
            long stockUnaccounted,
            List<String> violations) {

        /** The figures, after what the run survived ({@code faults}) and how often its clients retried. */
        String report(String faults, int retries) {
            return """
                    survived: %s; %d client retries
                    orders acknowledged %d: lost %d, double charges %d, PAID without exactly one charge %d, \
                    charges without order %d, PAYMENT_FAILED but charged %d, refunds beyond charge %d, \
                    answers contradicted %d, left PENDING %d, good card ended failed %d, \
                    products whose units do not add up %d""".formatted(
                            faults,
                            retries,
                            acknowledged,
                            lost,
                            doubleCharges,
                            paidWithoutOneCharge,
                            chargesWithoutOrder,
                            failedButCharged,
                            refundsBeyondCharge,
                            answersContradicted,
                            pendingLeft,
                            goodCardFailed,
                            stockUnaccounted);
        }
    }

    /**
     * Checks the design's invariants against both databases (read after the services stopped, or
     * while they run on PostgreSQL) and every answer the clients got.
     */
    static Found check(
            ShopProcesses shop,
            Map<String, Answer> acknowledged,
            Set<String> refundsAcknowledged,
            long pendingWhileRunning)
            throws SQLException {
        Map<String, OrderRow> orders = new HashMap<>();
        try (Connection db = shop.database("order-service").connect();
                ResultSet rs = db.createStatement()
                        .executeQuery("select cast(id as varchar(36)) as id, status, amount_minor from orders")) {
            while (rs.next()) {
                orders.put(
                        rs.getString("id"),
                        new OrderRow(rs.getString("id"), rs.getString("status"), rs.getLong("amount_minor")));
            }
        }
        List<ChargeRow> transactions = new ArrayList<>();
        try (Connection db = shop.database("payment-service").connect();
                ResultSet rs = db.createStatement()
                        .executeQuery(
                                "select cast(order_id as varchar(36)) as order_id, type, status, amount_minor from transactions")) {
            while (rs.next()) {
                transactions.add(new ChargeRow(
                        rs.getString("order_id"),
                        rs.getString("type"),
                        rs.getString("status"),
                        rs.getLong("amount_minor")));
            }
        }
        List<String> violations = new ArrayList<>();
        Map<String, List<ChargeRow>> succeededCharges = new HashMap<>();
        Map<String, Long> refundedByOrder = new HashMap<>();
        for (ChargeRow row : transactions) {
            if (row.type().equals("CHARGE") && row.status().equals("SUCCEEDED")) {
                succeededCharges
                        .computeIfAbsent(row.orderId(), id -> new ArrayList<>())
                        .add(row);
            }
            if (row.type().equals("REFUND") && row.status().equals("SUCCEEDED")) {
                refundedByOrder.merge(row.orderId(), row.amountMinor(), Long::sum);
            }
        }
        long lost = acknowledged.keySet().stream()
                .filter(id -> !orders.containsKey(id))
                .peek(id -> violations.add("acknowledged order lost: " + id))
                .count();
        long pendingLeft = Math.max(
                pendingWhileRunning,
                orders.values().stream()
                        .filter(o -> o.status().equals("PENDING"))
                        .peek(o -> violations.add("left PENDING: " + o.id()))
                        .count());
        long doubleCharges = succeededCharges.entrySet().stream()
                .filter(e -> e.getValue().size() > 1)
                .peek(e -> violations.add("charged twice: " + e.getKey()))
                .count();
        long paidWithoutOneCharge = orders.values().stream()
                .filter(o -> o.status().equals("PAID")
                        || o.status().equals("PARTIALLY_REFUNDED")
                        || o.status().equals("REFUNDED"))
                .filter(o -> succeededCharges.getOrDefault(o.id(), List.of()).size() != 1
                        || succeededCharges.get(o.id()).getFirst().amountMinor() != o.amountMinor())
                .peek(o -> violations.add("paid without exactly one charge of its amount: " + o.id()))
                .count();
        long chargesWithoutOrder = succeededCharges.keySet().stream()
                .filter(id -> !orders.containsKey(id))
                .peek(id -> violations.add("charge without order: " + id))
                .count();
        long failedButCharged = orders.values().stream()
                .filter(o -> o.status().equals("PAYMENT_FAILED") && succeededCharges.containsKey(o.id()))
                .peek(o -> violations.add("failed but charged: " + o.id()))
                .count();
        // The refunds of an order add up to its charge at most, and to all of it once it is REFUNDED.
        long refundsBeyondCharge = refundedByOrder.entrySet().stream()
                .filter(r -> !succeededCharges.containsKey(r.getKey())
                        || r.getValue()
                                > succeededCharges.get(r.getKey()).getFirst().amountMinor()
                        || orders.containsKey(r.getKey())
                                && orders.get(r.getKey()).status().equals("REFUNDED")
                                && r.getValue() != orders.get(r.getKey()).amountMinor())
                .peek(r -> violations.add("refunds beyond (or short of) its charge: " + r.getKey()))
                .count();
        long contradicted = acknowledged.values().stream()
                .filter(answer -> {
                    OrderRow row = orders.get(answer.orderId());
                    if (row == null || answer.status() == null) {
                        return false;
                    }
                    boolean toldPaid = answer.status().equals("PAID");
                    boolean toldFailed = answer.status().equals("PAYMENT_FAILED");
                    boolean refunded = refundsAcknowledged.contains(answer.orderId());
                    return toldPaid
                                    && !(row.status().equals("PAID")
                                            || row.status().equals("PARTIALLY_REFUNDED")
                                            || row.status().equals("REFUNDED"))
                            || toldFailed && !row.status().equals("PAYMENT_FAILED")
                            || refunded && !row.status().equals("REFUNDED")
                            || answer.amount() != null
                                    && answer.amount().movePointRight(2).longValueExact() != row.amountMinor();
                })
                .peek(answer -> violations.add("answer contradicted by the database: " + answer))
                .count();
        // A 201 or 202 is a promise: whatever crashed, an order with a good card ends paid.
        long goodCardFailed = acknowledged.values().stream()
                .filter(Answer::goodCard)
                .filter(answer -> orders.containsKey(answer.orderId())
                        && orders.get(answer.orderId()).status().equals("PAYMENT_FAILED"))
                .peek(answer -> violations.add("good card ended failed: " + answer.orderId()))
                .count();
        long stockUnaccounted = stockUnaccounted(shop, violations);
        return new Found(
                acknowledged.size(),
                lost,
                pendingLeft,
                doubleCharges,
                paidWithoutOneCharge,
                chargesWithoutOrder,
                failedButCharged,
                refundsBeyondCharge,
                contradicted,
                goodCardFailed,
                stockUnaccounted,
                violations);
    }

    /**
     * The products whose units do not add up: available + what orders took and kept (a failed
     * payment put every unit back, a refund its own) must be what was ever added, and available is
     * never below 0. Orders that took no units (stored before stock) count for none.
     */
    static long stockUnaccounted(ShopProcesses shop, List<String> violations) throws SQLException {
        Map<String, Long> taken = new HashMap<>();
        Map<String, long[]> stock = new HashMap<>();
        try (Connection db = shop.database("order-service").connect()) {
            try (ResultSet rs = db.createStatement()
                    .executeQuery("select lines, refunded_lines from orders"
                            + " where stock_reserved and status <> 'PAYMENT_FAILED'")) {
                while (rs.next()) {
                    for (JsonNode line : JSON.readTree(rs.getString("lines"))) {
                        taken.merge(
                                line.get("item").asText(), line.get("quantity").asLong(), Long::sum);
                    }
                    String refunded = rs.getString("refunded_lines");
                    for (JsonNode line : refunded == null ? JSON.createArrayNode() : JSON.readTree(refunded)) {
                        taken.merge(
                                line.get("item").asText(), -line.get("quantity").asLong(), Long::sum);
                    }
                }
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("An order's lines are not JSON", e);
            }
            try (ResultSet rs = db.createStatement().executeQuery("select item, available, added from stock")) {
                while (rs.next()) {
                    stock.put(rs.getString("item"), new long[] {rs.getLong("available"), rs.getLong("added")});
                }
            }
        }
        return stock.entrySet().stream()
                .filter(e -> {
                    long available = e.getValue()[0];
                    long added = e.getValue()[1];
                    return available < 0 || available + taken.getOrDefault(e.getKey(), 0L) != added;
                })
                .peek(e -> violations.add("units of %s do not add up: %d available, %d taken by orders, %d added"
                        .formatted(e.getKey(), e.getValue()[0], taken.getOrDefault(e.getKey(), 0L), e.getValue()[1])))
                .count();
    }
}
