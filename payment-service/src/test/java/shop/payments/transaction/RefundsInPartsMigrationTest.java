package shop.payments.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import shop.testing.TestDatabase;

/**
 * The migration to refunds in parts carries a whole refund made before it over as what its charge
 * had refunded, keeps one charge per order, and lets a charge have refunds under other keys, never
 * more than it.
 */
class RefundsInPartsMigrationTest {

    private static final String ORDER = "3f0c5e1a-9d2b-4c7e-8a61-5b4d2e9f7c10";

    static List<TestDatabase> databases() {
        return TestDatabase.everyKind("payments_refunds_migration");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void countsAnEarlierRefundAgainstItsChargeAndKeepsOneChargePerOrder(TestDatabase database) throws Exception {
        database.migrateTo("2");
        try (Connection db = database.connect();
                Statement statement = db.createStatement()) {
            statement.execute(insert("a1b2c3d4-0000-4000-8000-000000000001", "CHARGE", 2000, ""));
            statement.execute(insert("a1b2c3d4-0000-4000-8000-000000000002", "REFUND", 2000, ""));
        }
        database.migrateTo("latest");
        try (Connection db = database.connect();
                Statement statement = db.createStatement()) {
            try (ResultSet charge = statement.executeQuery(
                    "select refunded_minor from transactions where type = 'CHARGE' and order_id = '" + ORDER + "'")) {
                assertThat(charge.next()).isTrue();
                assertThat(charge.getLong(1)).isEqualTo(2000);
            }
            assertThatThrownBy(
                            () -> statement.execute(insert("a1b2c3d4-0000-4000-8000-000000000003", "CHARGE", 2000, "")))
                    .as("a second charge of the order")
                    .isInstanceOf(SQLException.class);
            statement.execute(insert(
                    "a1b2c3d4-0000-4000-8000-000000000004", "REFUND", 500, "a1b2c3d4-0000-4000-8000-000000000004"));
            assertThatThrownBy(() -> statement.execute(
                            "update transactions set refunded_minor = refunded_minor + 1 where type = 'CHARGE'"))
                    .as("refunds beyond the charge")
                    .isInstanceOf(SQLException.class);
        }
    }

    private static String insert(String id, String type, long amountMinor, String requestKey) {
        return """
                insert into transactions (id, order_id, type, status, amount_minor, currency, created_at%s)
                values ('%s', '%s', '%s', 'SUCCEEDED', %d, 'USD', current_timestamp%s)
                """.formatted(
                        requestKey.isEmpty() ? "" : ", request_key",
                        id,
                        ORDER,
                        type,
                        amountMinor,
                        requestKey.isEmpty() ? "" : ", '" + requestKey + "'");
    }
}
