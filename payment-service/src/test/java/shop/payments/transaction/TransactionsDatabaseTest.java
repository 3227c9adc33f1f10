package shop.payments.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
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
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
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

    /**
     * Charges claimed and settled at the same moment on one event loop go to the database in
     * batches, each caller with its own answer: the claim of an order claimed already is refused
     * in the batch it rode in, and a second settlement of the same claim records nothing.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void claimsAndSettlesConcurrentChargesInBatchesEachWithItsOwnAnswer(Db db) {
        List<Transaction> claims = IntStream.range(0, 40)
                .mapToObj(i -> new Transaction(
                        UUID.randomUUID(),
                        UUID.randomUUID(),
                        Transaction.Type.CHARGE,
                        Transaction.Status.PROCESSING,
                        new Money(100 + i, "USD"),
                        null,
                        "visa",
                        "4242",
                        "tok_sim_approve",
                        now))
                .toList();
        Transaction again = transaction(claims.get(7).orderId(), Transaction.Type.CHARGE, now);
        long batchesBefore = db.transactions().batches();
        List<Boolean> claimed = onEventLoop(() -> Future.all(Stream.concat(claims.stream(), Stream.of(again))
                        .map(db.transactions()::insert)
                        .toList())
                .map(all -> all.<Boolean>list()));
        assertThat(claimed.subList(0, 40)).containsOnly(true);
        assertThat(claimed.get(40)).as("a second claim of one order").isFalse();
        List<Boolean> settled = onEventLoop(() -> Future.all(Stream.concat(
                                claims.stream().map(c -> c.settled(Transaction.Status.SUCCEEDED, null)),
                                Stream.of(claims.get(3).settled(Transaction.Status.DECLINED, "card_declined")))
                        .map(db.transactions()::settle)
                        .toList())
                .map(all -> all.<Boolean>list()));
        assertThat(settled.subList(0, 40)).containsOnly(true);
        assertThat(settled.get(40)).as("a second settlement of one claim").isFalse();
        for (Transaction claim : claims) {
            assertThat(await(db.transactions().ofOrder(claim.orderId())).charge())
                    .isEqualTo(claim.settled(Transaction.Status.SUCCEEDED, null));
        }
        if (db.kind().kind() == TestDatabase.Kind.POSTGRESQL) {
            // H2's JDBC client answers a batch with the sum of its counts: there every write goes alone.
            assertThat(db.transactions().batches() - batchesBefore)
                    .as("round trips for 41 claims and 41 settlements")
                    .isLessThan(82);
        }
    }

    /** Runs {@code work} on one of the service's event loops, as a request's handler does. */
    private static <T> T onEventLoop(Supplier<Future<T>> work) {
        Promise<T> done = Promise.promise();
        RUNTIME.vertx().getOrCreateContext().runOnContext(start -> work.get().onComplete(done));
        return await(done.future());
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
