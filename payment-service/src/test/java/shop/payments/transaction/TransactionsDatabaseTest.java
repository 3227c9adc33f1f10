package shop.payments.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import shop.defaults.Database;
import shop.defaults.DatabaseSettings;
import shop.defaults.Money;
import shop.defaults.ServiceRuntime;
import shop.defaults.Settings;
import shop.testing.TestDatabase;

/** The transactions table's statements and constraints, run on H2 and on PostgreSQL in the same build. */
class TransactionsDatabaseTest {

    record Db(TestDatabase kind, Pool pool, Transactions transactions) {

        @Override
        public String toString() {
            return kind.toString();
        }
    }

    private static final ServiceRuntime RUNTIME =
            ServiceRuntime.start("payment-service", Settings.of(Map.of("SHOP_PROFILE", "local")));

    private static final List<Db> DATABASES = TestDatabase.everyKind("transactions_repository").stream()
            .map(kind -> {
                Pool pool = await(Database.open(RUNTIME, DatabaseSettings.from(kind.settings(), "payments")));
                return new Db(kind, pool, new Transactions(pool));
            })
            .toList();

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    static List<Db> databases() {
        return DATABASES;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void storesATransactionAndFindsItByOrder(Db db) {
        Transaction charge = transaction(UUID.randomUUID(), Transaction.Type.CHARGE, now);
        assertThat(await(db.transactions().insert(charge))).isTrue();
        assertThat(await(db.transactions().ofOrder(charge.orderId())))
                .isEqualTo(new Transactions.OfOrder(charge, 0, Map.of()));
        assertThat(await(db.transactions().ofOrder(UUID.randomUUID())))
                .isEqualTo(new Transactions.OfOrder(null, 0, Map.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void keepsWhatIsAbsentAsNull(Db db) {
        Transaction refusal = new Transaction(
                UUID.randomUUID(),
                UUID.randomUUID(),
                Transaction.Type.CHARGE,
                Transaction.Status.DECLINED,
                new Money(100, "EUR"),
                "payment_method_unavailable",
                null,
                null,
                null,
                now);
        await(db.transactions().insert(refusal));
        assertThat(await(db.transactions().ofOrder(refusal.orderId())).charge()).isEqualTo(refusal);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void storesOneChargePerOrderAndOneRefundPerKey(Db db) {
        UUID order = UUID.randomUUID();
        Transaction first = transaction(order, Transaction.Type.CHARGE, now);
        Transaction refund = transaction(order, Transaction.Type.REFUND, now);
        assertThat(await(db.transactions().insert(first))).isTrue();
        assertThat(await(db.transactions().insert(refund))).isTrue();
        assertThat(await(db.transactions().insert(transaction(order, Transaction.Type.CHARGE, now))))
                .isFalse();
        assertThat(await(db.transactions().insert(transaction(order, Transaction.Type.REFUND, now))))
                .isFalse();
        assertThat(await(db.transactions().ofOrder(order)))
                .isEqualTo(new Transactions.OfOrder(first, 0, Map.of(Transactions.WHOLE, refund)));

        // A refund of a part is claimed under its own key, its amount taken from the charge: twice
        // under one key is once, and more than the charge has left is refused by the database.
        Transaction made = transaction(order, Transaction.Type.REFUND, now);
        Transaction part = new Transaction(
                made.id(),
                order,
                made.type(),
                Transaction.Status.PROCESSING,
                made.amount(),
                null,
                made.cardBrand(),
                made.cardLast4(),
                null,
                now);
        assertThat(await(db.transactions().claimRefund(part, part.id(), first.id())))
                .isTrue();
        assertThat(await(db.transactions().claimRefund(part, part.id(), first.id())))
                .isFalse();
        assertThat(await(db.transactions().ofOrder(order)).refundedMinor())
                .isEqualTo(part.amount().minorUnits());
        Transaction tooMuch = transaction(order, Transaction.Type.REFUND, now);
        assertThat(db.transactions()
                        .claimRefund(tooMuch, tooMuch.id(), first.id())
                        .toCompletionStage()
                        .toCompletableFuture())
                .failsWithin(Duration.ofSeconds(5))
                .withThrowableThat()
                .havingCause()
                .isInstanceOf(PaymentProblem.RefundExceedsCharge.class);
        assertThat(await(db.transactions().ofOrder(order)).refunds()).doesNotContainKey(tooMuch.id());
        assertThat(await(db.transactions().dropRefundClaim(part, first.id()))).isTrue();
        assertThat(await(db.transactions().ofOrder(order)).refundedMinor()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void refusesASecondChargeOfOneOrderByConstraintNotByCode(Db db) {
        UUID order = UUID.randomUUID();
        await(db.transactions().insert(transaction(order, Transaction.Type.CHARGE, now)));
        Future<?> plainInsert = SqlTemplate.forUpdate(db.pool(), """
                insert into transactions (id, order_id, type, status, amount_minor, currency, created_at)
                values (#{id}, #{orderId}, 'CHARGE', 'SUCCEEDED', 1999, 'USD', #{createdAt})
                """)
                .execute(Map.of("id", UUID.randomUUID(), "orderId", order, "createdAt", now.atOffset(ZoneOffset.UTC)));
        assertThatThrownBy(() -> await(plainInsert)).matches(Database::isUniqueViolation, "a unique violation");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void settlesAClaimedChargeOnce(Db db) {
        Transaction claim = new Transaction(
                UUID.randomUUID(),
                UUID.randomUUID(),
                Transaction.Type.CHARGE,
                Transaction.Status.PROCESSING,
                new Money(500, "USD"),
                null,
                "visa",
                "4242",
                "tok_sim_approve",
                now);
        await(db.transactions().insert(claim));
        assertThat(await(db.transactions().settle(claim.settled(Transaction.Status.SUCCEEDED, null))))
                .isTrue();
        assertThat(await(db.transactions().settle(claim.settled(Transaction.Status.DECLINED, "card_declined"))))
                .isFalse();
        assertThat(await(db.transactions().ofOrder(claim.orderId())).charge())
                .isEqualTo(claim.settled(Transaction.Status.SUCCEEDED, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void recordsADeclineWithItsReason(Db db) {
        Transaction claim = new Transaction(
                UUID.randomUUID(),
                UUID.randomUUID(),
                Transaction.Type.CHARGE,
                Transaction.Status.PROCESSING,
                new Money(500, "USD"),
                null,
                "visa",
                "0002",
                "tok_sim_card_declined",
                now);
        await(db.transactions().insert(claim));
        Transaction declined = claim.settled(Transaction.Status.DECLINED, "card_declined");
        assertThat(await(db.transactions().settle(declined))).isTrue();
        assertThat(await(db.transactions().ofOrder(claim.orderId())).charge()).isEqualTo(declined);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void listsNewestFirstAndByOrder(Db db) {
        UUID order = UUID.randomUUID();
        Transaction charge = transaction(order, Transaction.Type.CHARGE, now.plusSeconds(3600));
        Transaction refund = transaction(order, Transaction.Type.REFUND, now.plusSeconds(7200));
        await(db.transactions().insert(charge));
        await(db.transactions().insert(refund));
        assertThat(await(db.transactions().list(order, 0, 10))).containsExactly(refund, charge);
        assertThat(await(db.transactions().list(null, 0, 1))).containsExactly(refund);
        assertThat(await(db.transactions().list(order, 1, 1))).containsExactly(charge);
        assertThat(await(db.transactions().list(order, 2, 1))).isEmpty();
    }

    private static Transaction transaction(UUID order, Transaction.Type type, Instant at) {
        return new Transaction(
                UUID.randomUUID(),
                order,
                type,
                Transaction.Status.SUCCEEDED,
                new Money(1999, "USD"),
                null,
                "visa",
                "4242",
                "tok_sim_approve",
                at);
    }

    /** Tests run on their own thread, never an event loop: waiting there is allowed. */
    private static <T> @Nullable T await(Future<T> future) {
        try {
            return future.await(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no answer within 10 s", e);
        }
    }
}
