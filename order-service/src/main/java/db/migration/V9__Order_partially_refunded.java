package db.migration;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Lets an order be {@code PARTIALLY_REFUNDED}: {@code orders.status} is widened to hold its name,
 * and the check on it is replaced by one that knows the state. A Java migration, because the first check was written without a name,
 * and the name each database gave it is its own (H2 makes one up).
 */
public class V9__Order_partially_refunded extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        try (Statement statement = connection.createStatement()) {
            for (String check : statusChecks(connection)) {
                statement.execute("alter table orders drop constraint \"" + check.replace("\"", "\"\"") + "\"");
            }
            // Both databases speak the standard's form; widening a varchar rewrites nothing.
            statement.execute("alter table orders alter column status set data type varchar(20)");
            statement.execute("""
                    alter table orders add constraint orders_status_known
                        check (status in ('PENDING', 'PAID', 'PAYMENT_FAILED', 'PARTIALLY_REFUNDED', 'REFUNDED'))
                    """);
        }
    }

    /** The checks on the orders table that name its statuses (both databases list them in the standard schema). */
    private static List<String> statusChecks(Connection connection) throws SQLException {
        List<String> checks = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet found = statement.executeQuery("""
                        select tc.constraint_name
                        from information_schema.table_constraints tc
                        join information_schema.check_constraints cc
                          on cc.constraint_schema = tc.constraint_schema and cc.constraint_name = tc.constraint_name
                        where lower(tc.table_name) = 'orders' and tc.constraint_type = 'CHECK'
                          and lower(tc.table_schema) = lower(current_schema)
                          and cc.check_clause like '%PAYMENT_FAILED%'
                        """)) {
            while (found.next()) {
                checks.add(found.getString(1));
            }
        }
        if (checks.isEmpty()) {
            throw new IllegalStateException("The check on orders.status was not found");
        }
        return checks;
    }
}
