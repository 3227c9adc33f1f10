package shop.loadgen;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The benchmark's check, on the two services' databases: every acknowledged order is in
 * order-service's, and payment-service's charges agree with it: a PAID order has exactly one
 * succeeded charge, of the order's amount; a PAYMENT_FAILED order has none.
 */
public final class Consistency {

    /** What the check found among {@code acknowledged} orders. */
    public record Report(long acknowledged, long missing, long chargedWrongly, long pending) {

        public boolean holds() {
            return acknowledged > 0 && missing + chargedWrongly + pending == 0;
        }

        @Override
        public String toString() {
            return "%d acknowledged orders: %d missing, %d charged wrongly, %d still pending"
                    .formatted(acknowledged, missing, chargedWrongly, pending);
        }
    }

    private record Order(String status, long amountMinor) {}

    private record Charges(int succeeded, long succeededAmountMinor) {}

    private Consistency() {}

    public static Report check(Connection orders, Connection payments, Collection<String> acknowledged)
            throws SQLException {
        Map<String, Order> found = new HashMap<>();
        try (Statement statement = orders.createStatement();
                ResultSet rows =
                        statement.executeQuery("select cast(id as varchar(36)), status, amount_minor from orders")) {
            while (rows.next()) {
                found.put(rows.getString(1), new Order(rows.getString(2), rows.getLong(3)));
            }
        }
        Map<String, Charges> charges = new HashMap<>();
        try (Statement statement = payments.createStatement();
                ResultSet rows = statement.executeQuery("select cast(order_id as varchar(36)), amount_minor"
                        + " from transactions where type = 'CHARGE' and status = 'SUCCEEDED'")) {
            while (rows.next()) {
                long amount = rows.getLong(2);
                charges.merge(
                        rows.getString(1),
                        new Charges(1, amount),
                        (one, other) -> new Charges(one.succeeded() + other.succeeded(), one.succeededAmountMinor()));
            }
        }
        long missing = 0;
        long wrong = 0;
        long pending = 0;
        for (String id : acknowledged) {
            Order order = found.get(id);
            Charges charged = charges.getOrDefault(id, new Charges(0, 0));
            if (order == null) {
                missing++;
            } else if (order.status().equals("PAID")
                    && !(charged.succeeded() == 1 && charged.succeededAmountMinor() == order.amountMinor())) {
                wrong++;
            } else if (order.status().equals("PAYMENT_FAILED") && charged.succeeded() > 0) {
                wrong++;
            } else if (order.status().equals("PENDING")) {
                pending++;
            }
        }
        return new Report(acknowledged.size(), missing, wrong, pending);
    }

    /** How many orders are still PENDING: the benchmark waits for this to reach 0 before checking. */
    public static long pending(Connection orders) throws SQLException {
        try (Statement statement = orders.createStatement();
                ResultSet rows = statement.executeQuery("select count(*) from orders where status = 'PENDING'")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
