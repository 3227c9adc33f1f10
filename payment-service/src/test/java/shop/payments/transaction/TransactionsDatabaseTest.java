package shop.payments.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import shop.defaults.Money;
import shop.testing.TestDatabase;

/** The transactions table's queries and constraints, run on H2 and on PostgreSQL in the same build. */
class TransactionsDatabaseTest {

    record Database(TestDatabase kind, Transactions transactions) {

        @Override
        public String toString() {
            return kind.toString();
        }
    }

    private static final List<Database> DATABASES = TestDatabase.everyKind("transactions_repository").stream()
        .map(db -> new Database(db, new Transactions(JdbcClient.create(db.migrated()))))
        .toList();

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    static List<Database> databases() {
        return DATABASES;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void storesATransactionAndFindsItByOrder(Database db) {
        Transaction charge = transaction(UUID.randomUUID(), Transaction.Type.CHARGE, now);
        db.transactions().insert(charge);
        assertThat(db.transactions().find(charge.orderId(), Transaction.Type.CHARGE)).contains(charge);
        assertThat(db.transactions().find(charge.orderId(), Transaction.Type.REFUND)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void refusesASecondChargeOfOneOrderByConstraint(Database db) {
        UUID order = UUID.randomUUID();
        db.transactions().insert(transaction(order, Transaction.Type.CHARGE, now));
        db.transactions().insert(transaction(order, Transaction.Type.REFUND, now));
        assertThatThrownBy(() -> db.transactions().insert(transaction(order, Transaction.Type.CHARGE, now)))
            .isInstanceOf(DuplicateKeyException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void settlesAClaimedChargeOnce(Database db) {
        Transaction claim = new Transaction(UUID.randomUUID(), UUID.randomUUID(), Transaction.Type.CHARGE,
                Transaction.Status.PROCESSING, new Money(500, "USD"), null, "visa", "4242", "tok_sim_approve", now);
        db.transactions().insert(claim);
        assertThat(db.transactions().settle(claim.settled(Transaction.Status.SUCCEEDED, null))).isTrue();
        assertThat(db.transactions().settle(claim.settled(Transaction.Status.DECLINED, "card_declined"))).isFalse();
        assertThat(db.transactions().find(claim.orderId(), Transaction.Type.CHARGE)).get()
            .extracting(Transaction::status).isEqualTo(Transaction.Status.SUCCEEDED);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void listsNewestFirstAndByOrder(Database db) {
        UUID order = UUID.randomUUID();
        Transaction charge = transaction(order, Transaction.Type.CHARGE, now.plusSeconds(3600));
        Transaction refund = transaction(order, Transaction.Type.REFUND, now.plusSeconds(7200));
        db.transactions().insert(charge);
        db.transactions().insert(refund);
        assertThat(db.transactions().list(order, 0, 10)).containsExactly(refund, charge);
        assertThat(db.transactions().list(null, 0, 1)).containsExactly(refund);
        assertThat(db.transactions().list(order, 1, 1)).containsExactly(charge);
    }

    private static Transaction transaction(UUID order, Transaction.Type type, Instant at) {
        return new Transaction(UUID.randomUUID(), order, type, Transaction.Status.SUCCEEDED, new Money(1999, "USD"),
                null, "visa", "4242", "tok_sim_approve", at);
    }
}
