package shop.orders.order;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.CompositeFuture;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import shop.defaults.Database;
import shop.defaults.DatabaseSettings;
import shop.defaults.Money;
import shop.defaults.ServiceRuntime;
import shop.orders.catalog.Product;
import shop.testing.TestDatabase;

/** Every query of the orders and idempotency-key repositories, run on H2 and on PostgreSQL in the same build. */
class OrdersDatabaseTest {

    record Db(TestDatabase kind, Pool pool, Vertx vertx) {

        Orders orders() {
            return new Orders(pool);
        }

        IdempotencyKeys keys() {
            return new IdempotencyKeys(pool);
        }

        List<Row> query(String sql) {
            List<Row> rows = new ArrayList<>();
            await(pool.query(sql).execute()).forEach(rows::add);
            return rows;
        }

        @Override
        public String toString() {
            return kind.toString();
        }
    }

    private static final List<Db> DATABASES = TestDatabase.everyKind("orders_repository").stream()
            .map(OrdersDatabaseTest::open)
            .toList();

    private static final Product CAP = new Product("cap", "Cap", new Money(2000, "USD"));
    private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(5));
    private static final Duration LEASE = Duration.ofSeconds(3);
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    static List<Db> databases() {
        return DATABASES;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void storesAndReadsAnOrderBack(Db db) {
        Order order = Order.place(
                uniqueCustomer(),
                List.of(OrderLine.of(CAP, 2)),
                true,
                now,
                "00-" + "a".repeat(32) + "-" + "b".repeat(16) + "-01");
        assertThat(await(db.orders().storePending(order, now.plusSeconds(5), null, null)))
                .isTrue();
        assertThat(await(db.orders().find(order.id()))).isEqualTo(order);
        assertThat(await(db.orders().find(UUID.randomUUID()))).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void storesAndReadsBackAnOrderOfManyLinesAtTheirPrices(Db db) {
        List<OrderLine> lines = IntStream.range(0, PlaceOrderRequest.MAX_LINES)
                .mapToObj(i -> new OrderLine("item-" + "x".repeat(90) + i, 1000, new Money(99_999_999 + i, "USD")))
                .toList();
        Order order = Order.place(uniqueCustomer(), lines, true, now, null);
        assertThat(order.amount().minorUnits())
                .isEqualTo(lines.stream()
                        .mapToLong(line -> line.amount().minorUnits())
                        .sum());
        assertThat(await(db.orders().storePending(order, now.plusSeconds(5), null, null)))
                .isTrue();
        assertThat(await(db.orders().find(order.id()))).isEqualTo(order);
    }

    /** During a rolling upgrade the version before lines still inserts orders, without them. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void readsAnOrderStoredWithoutLinesAsItsOneLine(Db db) {
        UUID id = UUID.randomUUID();
        db.query("insert into orders (id, customer, item, quantity, unit_price_minor, amount_minor, currency, status,"
                + " default_payment_method, created_at, updated_at) values ('" + id + "', '" + uniqueCustomer()
                + "', 'cap', 3, 2000, 6000, 'USD', 'PAID', true, current_timestamp, current_timestamp)");
        Order order = await(db.orders().find(id));
        assertThat(order.lines()).containsExactly(new OrderLine("cap", 3, new Money(2000, "USD")));
        assertThat(order.amount()).isEqualTo(new Money(6000, "USD"));
    }

    /**
     * Orders stored and settled at the same moment on one event loop go to the database in
     * batches (one round trip and one commit each), and every caller still gets its own answer:
     * stored, or the status it expected was gone (also when an earlier execution of the same
     * batch changed it).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void storesAndSettlesConcurrentOrdersInBatchesEachWithItsOwnAnswer(Db db) {
        Orders orders = db.orders();
        String customer = uniqueCustomer();
        List<Order> placed = newOrders(customer, 40);
        List<Boolean> stored = allOnEventLoop(
                db, placed.size(), i -> orders.storePending(placed.get(i), now.plusSeconds(5), null, null));
        assertThat(stored).hasSize(40).containsOnly(true);
        if (db.kind().kind() == TestDatabase.Kind.POSTGRESQL) {
            // H2's JDBC client answers a batch with the sum of its counts: there every order goes alone.
            assertThat(orders.batches()).as("round trips for 40 orders").isLessThan(40);
        }

        List<Order> paid = placed.stream()
                .map(order -> order.markPaid(Payment.charged(UUID.randomUUID(), "visa", "4242"), now))
                .toList();
        List<Boolean> recorded = allOnEventLoop(
                db,
                41,
                i -> i == 40
                        // The first order's outcome again, in the same batch: it is no longer PENDING.
                        ? orders.update(paid.getFirst(), OrderStatus.PENDING)
                        : orders.update(paid.get(i), i < 30 ? OrderStatus.PENDING : OrderStatus.PAID));
        assertThat(recorded.subList(0, 30)).containsOnly(true);
        assertThat(recorded.subList(30, 41)).containsOnly(false);
        assertThat(await(orders.find(placed.get(0).id()))).isEqualTo(paid.get(0));
        assertThat(await(orders.find(placed.get(35).id())).status()).isEqualTo(OrderStatus.PENDING);
    }

    /** A batch that one order breaks (its id taken) is run again one by one: only that order fails. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void failsOnlyTheOrderThatBreaksItsBatch(Db db) {
        Orders orders = db.orders();
        String customer = uniqueCustomer();
        Order first = Order.place(customer, List.of(OrderLine.of(CAP, 1)), true, now, null);
        assertThat(await(orders.storePending(first, now.plusSeconds(5), null, null)))
                .isTrue();
        List<Order> batch = IntStream.range(0, 10)
                .mapToObj(i -> i == 5 ? first : Order.place(customer, List.of(OrderLine.of(CAP, 1)), true, now, null))
                .toList();
        List<Boolean> outcomes = onEventLoop(db, () -> {
            CompositeFuture all = Future.join(batch.stream()
                    .map(order -> orders.storePending(order, now.plusSeconds(5), null, null))
                    .toList());
            return all.transform(done -> Future.succeededFuture(
                    IntStream.range(0, batch.size()).mapToObj(all::succeeded).toList()));
        });
        assertThat(outcomes.get(5)).isFalse();
        assertThat(outcomes.subList(0, 5)).containsOnly(true);
        assertThat(outcomes.subList(6, 10)).containsOnly(true);
        for (Order order : batch) {
            assertThat(await(orders.find(order.id()))).isEqualTo(order);
        }
    }

    /**
     * Orders with idempotency keys go in batches too, each order with its key; a key taken twice
     * in one batch stores the first order only, and every other order of the batch is stored.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void storesConcurrentOrdersWithTheirKeysInBatchesAndRefusesATakenKey(Db db) {
        Orders orders = db.orders();
        String customer = uniqueCustomer();
        List<Order> batch = newOrders(customer, 21);
        // The last order comes again with the key of the tenth, as a retry with a new body would.
        List<Boolean> stored = allOnEventLoop(
                db,
                batch.size(),
                i -> orders.storePending(
                        batch.get(i),
                        now.plusSeconds(5),
                        null,
                        new IdempotencyKeys.Claim(customer, "key-" + (i == 20 ? 10 : i), "f".repeat(64))));
        assertThat(stored.subList(0, 20)).containsOnly(true);
        assertThat(stored.get(20)).isFalse();
        assertThat(await(orders.find(batch.get(20).id()))).isNull();
        for (int i = 0; i < 20; i++) {
            assertThat(await(orders.find(batch.get(i).id()))).isEqualTo(batch.get(i));
            assertThat(await(db.keys().find(customer, "key-" + i)).orderId())
                    .isEqualTo(batch.get(i).id());
        }
    }

    /** Makes {@code count} calls at once on one of the service's event loops; their answers, in order. */
    private static List<Boolean> allOnEventLoop(Db db, int count, IntFunction<Future<Boolean>> call) {
        return onEventLoop(
                db,
                () -> Future.all(IntStream.range(0, count).mapToObj(call).toList())
                        .map(all -> all.<Boolean>list()));
    }

    /** Runs {@code work} on one of the service's event loops, as a request's handler does. */
    private static <T> T onEventLoop(Db db, Supplier<Future<T>> work) {
        Promise<T> done = Promise.promise();
        db.vertx().getOrCreateContext().runOnContext(start -> work.get().onComplete(done));
        return await(done.future());
    }

    /**
     * No order waits on its product's row: a foreign key from orders to products made PostgreSQL
     * lock that row for every order stored, and every concurrent order of a product share the lock.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void storesAnOrderWhileItsProductsRowIsLocked(Db db) {
        SqlConnection locker = await(db.pool().getConnection());
        try {
            io.vertx.sqlclient.Transaction locking = await(locker.begin());
            await(locker.query("select item from products where item = 'cap' for update")
                    .execute());
            Order order = Order.place(uniqueCustomer(), List.of(OrderLine.of(CAP, 1)), true, now, null);
            assertThat(db.orders()
                            .storePending(order, now.plusSeconds(5), null, null)
                            .toCompletionStage()
                            .toCompletableFuture()
                            .completeOnTimeout(false, 3, TimeUnit.SECONDS)
                            .join())
                    .as("stored without waiting for the lock on its product")
                    .isTrue();
            await(locking.rollback());
            assertThat(await(db.orders().find(order.id()))).isEqualTo(order);
        } finally {
            await(locker.close());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void recordsATransitionOnlyFromTheStatusItWasReadWithAndErasesThePaymentMethodWithIt(Db db) {
        Order order = Order.place(uniqueCustomer(), List.of(OrderLine.of(CAP, 1)), false, now, null);
        await(db.orders().storePending(order, now.plusSeconds(5), "v1.sealed", null));
        assertThat(sealedMethodOf(db, order.id())).isEqualTo("v1.sealed");
        Order failed = order.markFailed(Payment.refused("card_declined", UUID.randomUUID(), "visa", "0002"), now);
        assertThat(await(db.orders().update(failed, OrderStatus.PENDING))).isTrue();
        assertThat(await(db.orders().update(failed, OrderStatus.PENDING))).isFalse();
        assertThat(await(db.orders().find(order.id()))).isEqualTo(failed);
        assertThat(sealedMethodOf(db, order.id())).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void forgetsAPaymentMethodOnceAskedTo(Db db) {
        Order order = Order.place(uniqueCustomer(), List.of(OrderLine.of(CAP, 1)), false, now, null);
        await(db.orders().storePending(order, now.plusSeconds(5), "v1.sealed", null));
        await(db.orders().forgetPaymentMethod(order.id()));
        assertThat(sealedMethodOf(db, order.id())).isNull();
        assertThat(await(db.orders().find(order.id())).status()).isEqualTo(OrderStatus.PENDING);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void storesAnOrderWithItsIdempotencyKeyOrNeither(Db db) {
        String caller = uniqueCustomer();
        Order first = Order.place(caller, List.of(OrderLine.of(CAP, 1)), true, now, null);
        Order second = Order.place(caller, List.of(OrderLine.of(CAP, 1)), true, now, null);
        var key = new IdempotencyKeys.Claim(caller, "key-1", "f".repeat(64));
        assertThat(await(db.orders().storePending(first, now, null, key))).isTrue();
        assertThat(await(db.orders().storePending(second, now, null, key))).isFalse();
        assertThat(await(db.orders().find(second.id())))
                .as("the order whose key was taken")
                .isNull();
        assertThat(await(db.keys().find(caller, "key-1")))
                .isEqualTo(new IdempotencyKeys.Entry("f".repeat(64), first.id()));
        var otherCallersKey = new IdempotencyKeys.Claim(uniqueCustomer(), "key-1", "f".repeat(64));
        assertThat(await(db.orders().storePending(second, now, null, otherCallersKey)))
                .isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void listsACustomersOrdersNewestFirstOnePageAtATime(Db db) {
        String customer = uniqueCustomer();
        Order older = Order.place(customer, List.of(OrderLine.of(CAP, 1)), true, now.minusSeconds(10), null);
        Order newer = Order.place(customer, List.of(OrderLine.of(CAP, 1)), true, now, null);
        await(db.orders().storePending(older, now, null, null));
        await(db.orders().storePending(newer, now, null, null));
        await(db.orders()
                .storePending(
                        Order.place(uniqueCustomer(), List.of(OrderLine.of(CAP, 1)), true, now, null),
                        now,
                        null,
                        null));
        assertThat(await(db.orders().list(customer, OrderStatus.PENDING, 0, 10)))
                .extracting(Order::id)
                .containsExactly(newer.id(), older.id());
        assertThat(await(db.orders().list(customer, null, 1, 1)))
                .extracting(Order::id)
                .containsExactly(older.id());
        assertThat(await(db.orders().list(customer, OrderStatus.PAID, 0, 10))).isEmpty();
        assertThat(await(db.orders().list(null, null, 0, 100)))
                .extracting(Order::id)
                .contains(newer.id(), older.id());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void listsOrdersPendingSinceACutoffOldestFirstAndCountsThem(Db db) {
        await(db.pool()
                .query("update orders set status = 'PAYMENT_FAILED' where status = 'PENDING'")
                .execute());
        Order old = Order.place(
                uniqueCustomer(), List.of(OrderLine.of(CAP, 1)), true, now.minus(Duration.ofHours(2)), null);
        Order older = Order.place(
                uniqueCustomer(), List.of(OrderLine.of(CAP, 1)), true, now.minus(Duration.ofHours(3)), null);
        Order fresh = Order.place(uniqueCustomer(), List.of(OrderLine.of(CAP, 1)), true, now, null);
        for (Order order : List.of(old, older, fresh)) {
            await(db.orders().storePending(order, now.plus(Duration.ofDays(1)), null, null));
        }
        Instant cutoff = now.minus(Duration.ofHours(1));
        assertThat(await(db.orders().pendingSince(cutoff, 0, 10)))
                .extracting(Order::id)
                .containsExactly(older.id(), old.id());
        assertThat(await(db.orders().pendingCounts(cutoff)))
                .isEqualTo(new Orders.PendingCounts(3, 2, older.createdAt()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void letsTwoRecoveryJobsClaimDifferentOrders(Db db) {
        await(db.pool()
                .query("update orders set status = 'PAYMENT_FAILED' where status = 'PENDING'")
                .execute());
        for (int i = 0; i < 4; i++) {
            Order order =
                    Order.place(uniqueCustomer(), List.of(OrderLine.of(CAP, 1)), false, now.minusSeconds(60), null);
            await(db.orders().storePending(order, now.minusSeconds(1), "v1.sealed-" + i, null));
        }
        // A first job has claimed two orders and still holds their row locks...
        SqlConnection first = await(db.pool().getConnection());
        try {
            await(first.begin());
            List<UUID> firstClaimed = new ArrayList<>();
            await(SqlTemplate.forQuery(first, Orders.CLAIM_DUE).execute(Map.of("now", Orders.utc(now), "limit", 2)))
                    .forEach(row -> firstClaimed.add(Orders.uuidOrNull(row, "id")));
            // ...when a second one claims.
            List<Orders.Claimed> second = await(db.orders().claimDue(now, 10, LEASE, BACKOFF));
            await(first.transaction().commit());

            assertThat(firstClaimed).hasSize(2);
            assertThat(second)
                    .as("no order is claimed twice")
                    .extracting(claimed -> claimed.order().id())
                    .noneMatch(firstClaimed::contains);
            assertThat(second)
                    .allSatisfy(
                            claimed -> assertThat(claimed.paymentMethodSealed()).startsWith("v1.sealed-"));
            if (db.kind().kind() == TestDatabase.Kind.POSTGRESQL) {
                // Replicas share PostgreSQL; there the second job goes on with the orders the first left.
                assertThat(second)
                        .as("the second job takes the orders the first left")
                        .hasSize(2);
            } else {
                // H2 serves one process only, whose single job claims one batch at a time; and H2 locks
                // every due row it sorts, not only those it returns, so there the second finds none.
                assertThat(second)
                        .as("H2: the first claim holds every due order")
                        .isEmpty();
            }
            List<UUID> secondClaimed = second.stream().map(c -> c.order().id()).toList();
            List<Orders.Claimed> third = await(db.orders().claimDue(now, 10, LEASE, BACKOFF));
            assertThat(third)
                    .as("claimed orders wait for their backoff")
                    .extracting(claimed -> claimed.order().id())
                    .noneMatch(secondClaimed::contains);
        } finally {
            await(first.close());
        }
    }

    /** Two replicas never drive one order at once: it is not due again while its attempt may be in flight. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void pushesAClaimedOrderBackPastItsAttemptThenByTheBackoff(Db db) {
        Order order = Order.place(uniqueCustomer(), List.of(OrderLine.of(CAP, 1)), true, now.minusSeconds(60), null);
        await(db.orders().storePending(order, now.minusSeconds(1), null, null));
        assertThat(claimedIds(db, now)).contains(order.id());

        assertThat(claimedIds(db, now.plus(LEASE)))
                .as("not due while the attempt it was claimed for may still run")
                .doesNotContain(order.id());
        assertThat(claimedIds(db, now.plus(LEASE).plus(BACKOFF.shortest()).minusMillis(1)))
                .as("nor before the shortest backoff after that")
                .doesNotContain(order.id());
        assertThat(claimedIds(db, now.plus(LEASE).plus(BACKOFF.base()).plusMillis(1)))
                .as("due once the attempt and its backoff are over")
                .contains(order.id());
        assertThat(db.query("select payment_attempts from orders where id = '" + order.id() + "'")
                        .getFirst()
                        .getInteger(0))
                .isEqualTo(2);
    }

    /**
     * A pooled connection that ran a transaction commits every later statement at once, so other
     * connections (another replica, the recovery job) see it: with one connection in the pool,
     * the plain statements run on the very connection the transaction used.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void commitsTheStatementsAfterATransactionAtOnce(Db db) {
        Pool single = await(Database.open(
                ServiceRuntime.start("order-service", db.kind().settings()),
                DatabaseSettings.from(db.kind().settings().with("SHOP_DB_POOL_SIZE", "1"), "orders")));
        try {
            Orders orders = new Orders(single);
            String caller = uniqueCustomer();
            Order inTransaction = Order.place(caller, List.of(OrderLine.of(CAP, 1)), true, now, null);
            assertThat(await(orders.storePending(
                            inTransaction, now, null, new IdempotencyKeys.Claim(caller, "k", "f".repeat(64)))))
                    .isTrue();
            Order after = Order.place(caller, List.of(OrderLine.of(CAP, 1)), true, now, null);
            await(orders.storePending(after, now, null, null));
            assertThat(visibleElsewhere(db, inTransaction.id())).isTrue();
            assertThat(visibleElsewhere(db, after.id()))
                    .as("a statement after the transaction, on its connection")
                    .isTrue();
            Order failed = after.markFailed(Payment.refused("card_declined", UUID.randomUUID(), "visa", "0002"), now);
            assertThat(await(orders.update(failed, OrderStatus.PENDING))).isTrue();
            assertThat(statusElsewhere(db, after.id())).isEqualTo("PAYMENT_FAILED");
        } finally {
            await(single.close());
        }
    }

    /** Set per connection, not per statement: every pooled connection has it (2 s by default). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void givesEveryPooledConnectionTheStatementTimeout(Db db) {
        boolean postgres = db.kind().kind() == TestDatabase.Kind.POSTGRESQL;
        String query = postgres
                ? "show statement_timeout"
                : "select setting_value from information_schema.settings where setting_name = 'QUERY_TIMEOUT'";
        List<SqlConnection> held = new ArrayList<>();
        List<String> timeouts = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) { // the whole pool at once, so that each of its connections answers
                SqlConnection connection = await(db.pool().getConnection());
                held.add(connection);
                timeouts.add(String.valueOf(await(connection.query(query).execute())
                        .iterator()
                        .next()
                        .getValue(0)));
            }
        } finally {
            held.forEach(connection -> await(connection.close()));
        }
        assertThat(timeouts).hasSize(10).containsOnly(postgres ? "2s" : "2000");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void answersTheQueriesThatGrowWithTheDataFromIndexes(Db db) {
        List<Map<String, Object>> bulk = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            Order order = Order.place(
                    "bulk-" + (i % 300),
                    List.of(OrderLine.of(CAP, i % 50 == 0 ? 1 : 2)),
                    true,
                    now.minusSeconds(i),
                    null);
            bulk.add(Orders.insertValues(order, now.plusSeconds(3600), null));
        }
        await(SqlTemplate.forUpdate(db.pool(), Orders.INSERT).executeBatch(bulk));
        await(db.pool()
                .query("update orders set status = 'PAYMENT_FAILED' where customer like 'bulk-%' and quantity = 2")
                .execute());
        db.query("analyze");

        assertThat(plan(
                        db,
                        "select * from orders where customer = 'bulk-7' and status = 'PAYMENT_FAILED'"
                                + " order by created_at desc, id limit 20"))
                .containsIgnoringCase("orders_by_customer");
        assertThat(plan(db, "select * from orders where id = '" + UUID.randomUUID() + "'"))
                .containsIgnoringCase(db.kind().kind() == TestDatabase.Kind.H2 ? "primary_key" : "orders_pkey");
        assertThat(plan(
                        db,
                        "select * from orders where status = 'PENDING' and next_attempt_at <= current_timestamp"
                                + " order by next_attempt_at limit 50 for update skip locked"))
                .containsIgnoringCase("orders_due_for_retry");
        assertThat(plan(db, "select count(*), min(created_at) from orders where status = 'PENDING'"))
                .containsPattern("(?i)orders_by_status|orders_due_for_retry");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void forgetsIdempotencyKeysPastTheirRetention(Db db) {
        String caller = uniqueCustomer();
        Order order = Order.place(caller, List.of(OrderLine.of(CAP, 1)), true, now, null);
        Order older = Order.place(caller, List.of(OrderLine.of(CAP, 1)), true, now.minus(Duration.ofDays(2)), null);
        await(db.orders().storePending(order, now, null, new IdempotencyKeys.Claim(caller, "new", "f".repeat(64))));
        await(db.orders().storePending(older, now, null, new IdempotencyKeys.Claim(caller, "old", "f".repeat(64))));
        assertThat(await(db.keys().deleteCreatedBefore(now.minus(Duration.ofDays(1)))))
                .isGreaterThanOrEqualTo(1);
        assertThat(await(db.keys().find(caller, "old"))).isNull();
        assertThat(await(db.keys().find(caller, "new"))).isNotNull();
    }

    private static String plan(Db db, String query) {
        return String.join(
                "\n",
                db.query("explain " + query).stream()
                        .map(row -> String.valueOf(row.getValue(0)))
                        .toList());
    }

    private static Object sealedMethodOf(Db db, UUID id) {
        return db.query("select payment_method_sealed from orders where id = '" + id + "'")
                .getFirst()
                .getValue(0);
    }

    private static List<UUID> claimedIds(Db db, Instant at) {
        return await(db.orders().claimDue(at, 1000, LEASE, BACKOFF)).stream()
                .map(claimed -> claimed.order().id())
                .toList();
    }

    /** The status another connection (outside the pool) reads. */
    private static String statusElsewhere(Db db, UUID id) {
        try (var connection = db.kind().connect();
                var row = connection
                        .createStatement()
                        .executeQuery("select status from orders where id = '" + id + "'")) {
            assertThat(row.next()).isTrue();
            return row.getString(1);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean visibleElsewhere(Db db, UUID id) {
        try (var connection = db.kind().connect();
                var row = connection
                        .createStatement()
                        .executeQuery("select count(*) from orders where id = '" + id + "'")) {
            row.next();
            return row.getLong(1) == 1;
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code count} new orders of one cap each for {@code customer}, placed now. */
    private List<Order> newOrders(String customer, int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> Order.place(customer, List.of(OrderLine.of(CAP, 1)), true, now, null))
                .toList();
    }

    private static String uniqueCustomer() {
        return "customer-" + UUID.randomUUID();
    }

    private static Db open(TestDatabase kind) {
        ServiceRuntime runtime = ServiceRuntime.start("order-service", kind.settings());
        return new Db(
                kind, await(Database.open(runtime, DatabaseSettings.from(kind.settings(), "orders"))), runtime.vertx());
    }

    static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
