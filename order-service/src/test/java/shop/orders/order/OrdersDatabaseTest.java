package shop.orders.order;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import javax.sql.DataSource;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import shop.defaults.Money;
import shop.orders.catalog.Product;
import shop.testing.TestDatabase;

/** The orders table's queries, run on H2 and on PostgreSQL in the same build. */
class OrdersDatabaseTest {

    record Database(TestDatabase kind, DataSource dataSource) {

        Orders orders() {
            return new Orders(JdbcClient.create(dataSource));
        }

        JdbcClient jdbc() {
            return JdbcClient.create(dataSource);
        }

        TransactionTemplate transaction() {
            return new TransactionTemplate(new JdbcTransactionManager(dataSource));
        }

        @Override
        public String toString() {
            return kind.toString();
        }
    }

    private static final List<Database> DATABASES = TestDatabase.everyKind("orders_repository").stream()
        .map(db -> new Database(db, db.migrated()))
        .toList();

    private static final Product CAP = new Product("cap", "Cap", new Money(2000, "USD"));
    private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(5));
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    static List<Database> databases() {
        return DATABASES;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void storesAndReadsAnOrderBack(Database db) {
        Order order = Order.place(uniqueCustomer(), CAP, 2, true, now, null);
        db.orders().insert(order, now.plusSeconds(5));
        assertThat(db.orders().find(order.id())).contains(order);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void recordsATransitionOnlyFromTheStatusItWasReadWith(Database db) {
        Order order = Order.place(uniqueCustomer(), CAP, 1, true, now, null);
        db.orders().insert(order, now.plusSeconds(5));
        Order failed = order.paymentFailed("card_declined", null, now);
        assertThat(db.orders().update(failed, OrderStatus.PENDING)).isTrue();
        assertThat(db.orders().update(failed, OrderStatus.PENDING)).isFalse();
        assertThat(db.orders().find(order.id())).get().extracting(Order::status).isEqualTo(OrderStatus.PAYMENT_FAILED);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void listsACustomersOrdersNewestFirstOnePageAtATime(Database db) {
        String customer = uniqueCustomer();
        Order older = Order.place(customer, CAP, 1, true, now.minusSeconds(10), null);
        Order newer = Order.place(customer, CAP, 1, true, now, null);
        db.orders().insert(older, now);
        db.orders().insert(newer, now);
        db.orders().insert(Order.place(uniqueCustomer(), CAP, 1, true, now, null), now);
        assertThat(db.orders().list(customer, OrderStatus.PENDING, 0, 10)).extracting(Order::id)
            .containsExactly(newer.id(), older.id());
        assertThat(db.orders().list(customer, null, 1, 1)).extracting(Order::id).containsExactly(older.id());
        assertThat(db.orders().list(customer, OrderStatus.PAID, 0, 10)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void letsTwoRecoveryJobsClaimDifferentOrders(Database db) throws Exception {
        db.jdbc().sql("update orders set next_attempt_at = :later where status = 'PENDING'")
            .param("later", java.sql.Timestamp.from(now.plus(Duration.ofDays(1)))).update();
        for (int i = 0; i < 4; i++) {
            db.orders().insert(Order.place(uniqueCustomer(), CAP, 1, true, now.minusSeconds(60), null), now.minusSeconds(1));
        }
        CountDownLatch firstHasClaimed = new CountDownLatch(1);
        CountDownLatch secondIsDone = new CountDownLatch(1);
        CompletableFuture<List<Order>> first = CompletableFuture.supplyAsync(() -> db.transaction().execute(tx -> {
            List<Order> claimed = db.orders().claimDue(now, 2, BACKOFF);
            firstHasClaimed.countDown();
            await(secondIsDone);
            return claimed;
        }));
        firstHasClaimed.await();
        List<Order> second = db.transaction().execute(tx -> db.orders().claimDue(now, 10, BACKOFF));
        secondIsDone.countDown();

        assertThat(first.get()).hasSize(2);
        assertThat(second).as("no order is claimed twice").extracting(Order::id)
            .doesNotContainAnyElementsOf(first.get().stream().map(Order::id).toList());
        if (db.kind().kind() == TestDatabase.Kind.POSTGRESQL) {
            // Replicas share PostgreSQL; there the second job goes on with the orders the first left.
            // (H2 serves one process only, whose single job never races itself; it skips the whole claim.)
            assertThat(second).as("the second job takes the orders the first left").hasSize(2);
        }
        List<Order> third = db.transaction().execute(tx -> db.orders().claimDue(now, 10, BACKOFF));
        List<UUID> claimedBefore = java.util.stream.Stream.concat(first.get().stream(), second.stream())
            .map(Order::id).toList();
        assertThat(third).as("claimed orders wait for their backoff").extracting(Order::id)
            .doesNotContainAnyElementsOf(claimedBefore);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void answersTheQueriesThatGrowWithTheDataFromIndexes(Database db) {
        db.transaction().executeWithoutResult(tx -> {
            for (int i = 0; i < 3000; i++) {
                Order order = Order.place("bulk-" + (i % 300), CAP, 1, true, now.minusSeconds(i), null);
                db.orders().insert(order, now.plusSeconds(3600));
                if (i % 50 != 0) {
                    db.orders().update(order.paymentFailed("card_declined", null, now), OrderStatus.PENDING);
                }
            }
        });
        db.jdbc().sql("analyze").update();

        assertThat(plan(db, "select * from orders where customer = 'bulk-7' and status = 'PAYMENT_FAILED'"
                + " order by created_at desc, id limit 20"))
            .containsIgnoringCase("orders_by_customer");
        assertThat(plan(db, "select * from orders where id = '" + UUID.randomUUID() + "'"))
            .containsIgnoringCase(db.kind().kind() == TestDatabase.Kind.H2 ? "primary_key" : "orders_pkey");
        assertThat(plan(db, "select * from orders where status = 'PENDING' and next_attempt_at <= current_timestamp"
                + " order by next_attempt_at limit 50 for update skip locked"))
            .containsIgnoringCase("orders_due_for_retry");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void forgetsIdempotencyKeysPastTheirRetention(Database db) {
        IdempotencyKeys keys = new IdempotencyKeys(db.jdbc());
        String caller = uniqueCustomer();
        Order order = Order.place(caller, CAP, 1, true, now, null);
        db.orders().insert(order, now);
        keys.insert(caller, "old", new IdempotencyKeys.Entry("f".repeat(64), order.id()), now.minus(Duration.ofDays(2)));
        keys.insert(caller, "new", new IdempotencyKeys.Entry("f".repeat(64), order.id()), now);
        assertThat(keys.deleteCreatedBefore(now.minus(Duration.ofDays(1)))).isGreaterThanOrEqualTo(1);
        assertThat(keys.find(caller, "old")).isEmpty();
        assertThat(keys.find(caller, "new")).isPresent();
    }

    private static String plan(Database db, String query) {
        return String.join("\n", db.jdbc().sql("explain " + query).query(String.class).list());
    }

    private static String uniqueCustomer() {
        return "customer-" + UUID.randomUUID();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
