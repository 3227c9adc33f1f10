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
 * Drops the foreign key from {@code orders.item} to {@code products}. To check it, PostgreSQL
 * locked the product's row ({@code FOR KEY SHARE}) for every order stored, so that concurrent
 * orders of one product shared that lock through a multixact, made anew for each locker: more of
 * the database's CPU per order than the order's own insert. Products come only by migration
 * and order-service takes an order only for a product of it, so an order names a product that
 * exists. A Java migration, because the key's name is the database's choice (H2 makes one up).
 */
public class V5__Order_item_without_product_lock extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        for (String key : keysToProducts(connection)) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("alter table orders drop constraint \"" + key.replace("\"", "\"\"") + "\"");
            }
        }
    }

    private static List<String> keysToProducts(Connection connection) throws SQLException {
        List<String> keys = new ArrayList<>();
        // PostgreSQL keeps unquoted names in lower case, H2 in upper case unless told otherwise.
        for (String table : new String[] {"orders", "ORDERS"}) {
            try (ResultSet imported = connection.getMetaData().getImportedKeys(null, connection.getSchema(), table)) {
                while (imported.next()) {
                    if ("products".equalsIgnoreCase(imported.getString("PKTABLE_NAME"))) {
                        keys.add(imported.getString("FK_NAME"));
                    }
                }
            }
        }
        return keys.stream().distinct().toList();
    }
}
