package shop.orders.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.RestTestClient.ResponseSpec;
import shop.defaults.Caller;
import shop.defaults.Role;
import shop.testing.TestDatabase;
import shop.testing.TestTokens;

/**
 * order-service over real HTTP on its real database (PostgreSQL when one answers, else H2),
 * with payment-service played by {@link FakePaymentService}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.http.serviceclient.payments.read-timeout=500ms", "shop.orders.recovery.interval=200ms",
        "shop.orders.recovery.first-delay=1s", "shop.orders.recovery.max-backoff=1s",
        "shop.orders.default-payment-method=4242424242424242", "shop.orders.payments.breaker.open-for=1s" })
@AutoConfigureRestTestClient
class OrderServiceIntegrationTest {

    private static final FakePaymentService payments = startFakePaymentService();
    private static final String ORDER_SERVICE = "order-service";

    @DynamicPropertySource
    static void wiring(DynamicPropertyRegistry registry) {
        TestDatabase.create("orders").registerAsDataSource(registry);
        TestTokens.register(registry);
        registry.add("spring.http.serviceclient.payments.base-url", payments::url);
    }

    @AfterAll
    static void stopFake() {
        payments.close();
    }

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    @Autowired
    CircuitBreaker paymentBreaker;

    @Autowired
    RestTestClient http;

    @BeforeEach
    void connect() {
        payments.mode = FakePaymentService.Mode.NORMAL;
        paymentBreaker.reset();
    }

    @Test
    void placesThePaidDemoOrder() {
        place("Gregor", "{\"item\":\"t-shirt\",\"price\":100,\"customer\":\"Gregor\"}", null)
            .expectStatus().isCreated()
            .expectHeader().valueMatches("Location", "/orders/[0-9a-f-]{36}")
            .expectBody()
            .jsonPath("$.status").isEqualTo("PAID")
            .jsonPath("$.success").isEqualTo(true)
            .jsonPath("$.amount").isEqualTo(100.0)
            .jsonPath("$.customer").isEqualTo("Gregor")
            .jsonPath("$.transaction.id").isNotEmpty()
            .jsonPath("$.transaction.cardLast4").isEqualTo("4242");
    }

    @Test
    void recordsADeclinedPaymentAsFailedWithItsReason() {
        place("Gregor", "{\"item\":\"mug\",\"paymentMethod\":\"4000000000000002\"}", null)
            .expectStatus().isCreated()
            .expectBody()
            .jsonPath("$.status").isEqualTo("PAYMENT_FAILED")
            .jsonPath("$.declineReason").isEqualTo("card_declined")
            .jsonPath("$.transaction.success").isEqualTo(false);
    }

    @Test
    void multipliesTheCatalogPriceByTheQuantity() {
        place("Gregor", "{\"item\":\"mug\",\"quantity\":3,\"price\":12.5}", null)
            .expectStatus().isCreated()
            .expectBody().jsonPath("$.amount").isEqualTo(37.5).jsonPath("$.quantity").isEqualTo(3);
    }

    @Test
    void refusesAnUnknownItemAndStoresNothing() {
        long before = orderCount();
        place("Gregor", "{\"item\":\"unicorn\"}", null).expectStatus().isBadRequest()
            .expectBody().jsonPath("$.type").isEqualTo("urn:shop:problem:unknown-item");
        assertThat(orderCount()).isEqualTo(before);
    }

    @Test
    void refusesAPriceThatIsNotTheCatalogsAndChargesNothing() {
        long before = orderCount();
        int charges = payments.chargeRequests.get();
        place("Gregor", "{\"item\":\"t-shirt\",\"price\":1}", null).expectStatus().isEqualTo(409)
            .expectBody()
            .jsonPath("$.type").isEqualTo("urn:shop:problem:price-mismatch")
            .jsonPath("$.catalogPrice").isEqualTo(100.0);
        assertThat(orderCount()).isEqualTo(before);
        assertThat(payments.chargeRequests.get()).isEqualTo(charges);
    }

    @Test
    void answersTheSameOrderForTheSameIdempotencyKey() {
        String body = "{\"item\":\"cap\"}";
        String id = idOf(place("Gregor", body, "key-1").expectStatus().isCreated());
        place("Gregor", body, "key-1").expectStatus().isCreated()
            .expectHeader().valueEquals("Idempotent-Replayed", "true")
            .expectBody().jsonPath("$.id").isEqualTo(id);
        place("Alice", body, "key-1").expectStatus().isCreated()
            .expectBody().jsonPath("$.id").value(other -> assertThat(other).isNotEqualTo(id));
        assertThat(jdbc.sql("select count(*) from orders where id = cast(:id as uuid)").param("id", id)
            .query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void refusesAnIdempotencyKeyReusedForAnotherRequest() {
        place("Gregor", "{\"item\":\"cap\"}", "key-2").expectStatus().isCreated();
        long before = orderCount();
        place("Gregor", "{\"item\":\"mug\"}", "key-2").expectStatus().isEqualTo(422)
            .expectBody().jsonPath("$.type").isEqualTo("urn:shop:problem:idempotency-key-reused");
        assertThat(orderCount()).isEqualTo(before);
    }

    @Test
    void placesOneOrderWhenRequestsWithOneKeyRace() throws Exception {
        List<Callable<String>> requests = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            requests.add(() -> idOf(place("Alice", "{\"item\":\"sticker\"}", "race-key")));
        }
        List<String> ids = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<String> id : pool.invokeAll(requests)) {
                ids.add(id.get());
            }
        }
        assertThat(ids).hasSize(12).containsOnly(ids.getFirst());
    }

    @Test
    void answers202WhenThePaymentIsSlowAndPaysLaterWithoutChargingTwice() {
        payments.mode = FakePaymentService.Mode.SLOW;
        String id = idOf(place("Gregor", "{\"item\":\"hoodie\"}", null)
            .expectStatus().isAccepted()
            .expectBody().jsonPath("$.status").isEqualTo("PENDING"));
        payments.mode = FakePaymentService.Mode.NORMAL;
        awaitStatus("Gregor", id, "PAID");
    }

    @Test
    void paysAPendingOrderOncePaymentServiceIsBack() {
        payments.mode = FakePaymentService.Mode.UNAVAILABLE;
        String id = idOf(place("Gregor", "{\"item\":\"mug\",\"paymentMethod\":\"5555555555554444\"}", null)
            .expectStatus().isAccepted());
        payments.mode = FakePaymentService.Mode.NORMAL;
        awaitStatus("Gregor", id, "PAID");
        get("Gregor", "/orders/" + id).expectBody().jsonPath("$.transaction.cardLast4").isEqualTo("4444");
    }

    @Test
    void stopsCallingADeadPaymentServiceAndPaysEveryOrderOnceItIsBack() {
        payments.mode = FakePaymentService.Mode.UNAVAILABLE;
        int callsBefore = payments.chargeRequests.get();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            ids.add(idOf(place("Breaker", "{\"item\":\"sticker\"}", null).expectStatus().isAccepted()));
        }
        assertThat(paymentBreaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(payments.chargeRequests.get() - callsBefore).as("calls that reached payment-service")
            .isLessThan(15);
        payments.mode = FakePaymentService.Mode.NORMAL;
        ids.forEach(id -> awaitStatus("Breaker", id, "PAID"));
        assertThat(payments.chargesRecorded()).isGreaterThanOrEqualTo(15);
    }

    @Test
    void failsAPendingOrderWhoseCardWasLostWithARestart() {
        // As left by an order-service that died holding the card in memory: retried without it.
        String id = insertPendingOrder(false, java.time.Instant.now(), java.time.Instant.now());
        awaitStatus("Gregor", id, "PAYMENT_FAILED");
        get("Gregor", "/orders/" + id).expectBody().jsonPath("$.declineReason").isEqualTo("payment_method_unavailable");
    }

    @Test
    void showsOrdersPendingTooLongToAdminsAndInMetrics() {
        java.time.Instant now = java.time.Instant.now();
        String id = insertPendingOrder(true, now.plus(Duration.ofDays(1)), now.minus(Duration.ofHours(1)));
        http.get().uri("/orders?stuck=true").header("Authorization", TestTokens.admin(ORDER_SERVICE))
            .exchange().expectStatus().isOk()
            .expectBody().jsonPath("$[?(@.id == '%s')].status".formatted(id)).isEqualTo(List.of("PENDING"));
        get("Gregor", "/orders?stuck=true").expectStatus().isForbidden();
        String metrics = http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
            .returnResult(String.class).getResponseBody();
        assertThat(metrics).containsPattern("shop_orders_pending_stuck [1-9]")
            .containsPattern("shop_orders_pending_oldest_age_seconds [0-9]{4}")
            .contains("resilience4j_circuitbreaker_state");
        jdbc.sql("delete from orders where id = cast(:id as uuid)").param("id", id).update();
    }

    @Test
    void refundsAPaidOrderOnceAndNothingElse() {
        String paid = idOf(place("Gregor", "{\"item\":\"cap\"}", null).expectStatus().isCreated());
        post("Gregor", "/orders/" + paid + "/refund").expectStatus().isOk()
            .expectBody().jsonPath("$.status").isEqualTo("REFUNDED").jsonPath("$.refund.id").isNotEmpty();
        post("Gregor", "/orders/" + paid + "/refund").expectStatus().isEqualTo(409)
            .expectBody().jsonPath("$.type").isEqualTo("urn:shop:problem:order-not-refundable");
        String failed = idOf(place("Gregor", "{\"item\":\"cap\",\"paymentMethod\":\"4000000000000002\"}", null));
        post("Gregor", "/orders/" + failed + "/refund").expectStatus().isEqualTo(409);
    }

    @Test
    void showsACustomerOnlyTheirOwnOrders() {
        String gregors = idOf(place("Gregor", "{\"item\":\"cap\"}", null));
        get("Alice", "/orders/" + gregors).expectStatus().isNotFound()
            .expectBody().jsonPath("$.type").isEqualTo("urn:shop:problem:order-not-found");
        post("Alice", "/orders/" + gregors + "/refund").expectStatus().isNotFound();
        get("Alice", "/orders?status=any").expectBody().jsonPath("$[?(@.customer != 'Alice')]").isEmpty();
        get("Gregor", "/orders/not-a-uuid").expectStatus().isNotFound();
        http.get().uri("/orders/" + gregors).header("Authorization", TestTokens.admin(ORDER_SERVICE))
            .exchange().expectStatus().isOk();
    }

    @Test
    void refusesAnOrderInAnotherCustomersName() {
        place("Alice", "{\"item\":\"cap\",\"customer\":\"Gregor\"}", null).expectStatus().isForbidden();
    }

    @Test
    void takesCallsFromOtherShopServicesOnly() {
        http.get().uri("/orders").exchange().expectStatus().isUnauthorized()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        http.get().uri("/orders").header("X-Shop-Customer", "Gregor").header("X-Shop-Role", "ADMIN").exchange()
            .expectStatus().isUnauthorized();
        String forgedKey = "Bearer " + TestTokens.tokens("api-gateway", "another-key-that-is-long-enough-to-sign-with")
            .issue(ORDER_SERVICE, new Caller("Gregor", Role.ADMIN));
        http.get().uri("/orders").header("Authorization", forgedKey).exchange().expectStatus().isUnauthorized();
        http.get().uri("/orders").header("Authorization", TestTokens.customer("payment-service", "Gregor")).exchange()
            .expectStatus().isUnauthorized();
        http.get().uri("/products").header("Authorization", TestTokens.bearer("api-gateway", ORDER_SERVICE, null))
            .exchange().expectStatus().isOk();
        http.get().uri("/orders").header("Authorization", TestTokens.bearer("api-gateway", ORDER_SERVICE, null))
            .exchange().expectStatus().isUnauthorized();
    }

    @Test
    void listsPaidOrdersNewestFirstAndOthersOnRequest() {
        String customer = "Lister";
        String first = idOf(place(customer, "{\"item\":\"cap\"}", null));
        String second = idOf(place(customer, "{\"item\":\"mug\"}", null));
        String failed = idOf(place(customer, "{\"item\":\"mug\",\"paymentMethod\":\"4000000000000002\"}", null));
        get(customer, "/orders").expectStatus().isOk().expectBody()
            .jsonPath("$.length()").isEqualTo(2)
            .jsonPath("$[0].id").isEqualTo(second)
            .jsonPath("$[1].id").isEqualTo(first);
        get(customer, "/orders?status=PAYMENT_FAILED").expectBody()
            .jsonPath("$.length()").isEqualTo(1).jsonPath("$[0].id").isEqualTo(failed);
        get(customer, "/orders?status=any&size=1&page=1").expectBody()
            .jsonPath("$.length()").isEqualTo(1).jsonPath("$[0].id").isEqualTo(second);
        get(customer, "/orders?status=bogus").expectStatus().isBadRequest();
        get(customer, "/orders?size=1000").expectStatus().isBadRequest();
    }

    @Test
    void refusesBadInputNamingTheFieldAndStoresNothing() {
        long before = orderCount();
        place("Gregor", "{\"item\":\"cap\",\"quantity\":0}", null).expectStatus().isBadRequest()
            .expectBody().jsonPath("$.errors[0].field").isEqualTo("quantity");
        place("Gregor", "{\"item\":\"cap\",\"quantity\":1.5}", null).expectStatus().isBadRequest()
            .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("quantity"));
        place("Gregor", "{\"item\":\"cap\",\"price\":-3}", null).expectStatus().isBadRequest();
        place("Gregor", "{\"item\":\"cap\",\"paymentMethod\":\"<script>\"}", null).expectStatus().isBadRequest();
        place("Gregor", "{\"item\":", null).expectStatus().isBadRequest();
        place("Gregor", "{\"price\":1}", null).expectStatus().isBadRequest()
            .expectBody().jsonPath("$.errors[0].field").isEqualTo("item");
        place("Gregor", "{\"item\":\"cap\"}", "bad key with spaces").expectStatus().isBadRequest();
        assertThat(orderCount()).isEqualTo(before);
    }

    @Test
    void storesNoCardNumber() {
        place("Gregor", "{\"item\":\"cap\",\"paymentMethod\":\"5555555555554444\"}", null).expectStatus().isCreated();
        List<String> everyValue = jdbc.sql("select * from orders").query((java.sql.ResultSet rs) -> {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                for (int column = 1; column <= rs.getMetaData().getColumnCount(); column++) {
                    values.add(String.valueOf(rs.getObject(column)));
                }
            }
            return values;
        });
        assertThat(everyValue).noneMatch(value -> value.contains("5555555555554444"));
    }

    private ResponseSpec place(String customer, String body, String idempotencyKey) {
        var request = http.post().uri("/orders").contentType(MediaType.APPLICATION_JSON)
            .header("Authorization", TestTokens.customer(ORDER_SERVICE, customer));
        if (idempotencyKey != null) {
            request = request.header("Idempotency-Key", idempotencyKey);
        }
        return request.body(body).exchange();
    }

    private ResponseSpec get(String customer, String uri) {
        return http.get().uri(uri).header("Authorization", TestTokens.customer(ORDER_SERVICE, customer)).exchange();
    }

    private ResponseSpec post(String customer, String uri) {
        return http.post().uri(uri).header("Authorization", TestTokens.customer(ORDER_SERVICE, customer)).exchange();
    }

    private void awaitStatus(String customer, String id, String status) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> get(customer, "/orders/" + id)
            .expectBody().jsonPath("$.status").isEqualTo(status));
    }

    private static String idOf(ResponseSpec response) {
        return response.expectBody(OrderView.class).returnResult().getResponseBody().id().toString();
    }

    private static String idOf(RestTestClient.BodyContentSpec body) {
        return new String(body.returnResult().getResponseBody()).replaceAll(".*\"id\":\"([0-9a-f-]{36})\".*", "$1");
    }

    /** A pending order written straight to the database, as a crash or a long outage leaves one. */
    private String insertPendingOrder(boolean defaultPaymentMethod, java.time.Instant nextAttempt,
            java.time.Instant createdAt) {
        String id = java.util.UUID.randomUUID().toString();
        jdbc.sql("""
                insert into orders (id, customer, item, quantity, unit_price_minor, amount_minor, currency, status,
                                    default_payment_method, payment_attempts, next_attempt_at, created_at, updated_at)
                values (cast(:id as uuid), 'Gregor', 'cap', 1, 2000, 2000, 'USD', 'PENDING', :defaultMethod, 0,
                        :nextAttempt, :createdAt, :createdAt)
                """)
            .param("id", id)
            .param("defaultMethod", defaultPaymentMethod)
            .param("nextAttempt", java.sql.Timestamp.from(nextAttempt))
            .param("createdAt", java.sql.Timestamp.from(createdAt))
            .update();
        return id;
    }

    /** Set per connection by StatementTimeouts, not per statement: every pooled connection has it. */
    @Test
    void givesEveryPooledConnectionTheStatementTimeout() throws Exception {
        boolean postgres = onPostgres();
        String query = postgres ? "show statement_timeout"
                : "select setting_value from information_schema.settings where setting_name = 'QUERY_TIMEOUT'";
        var held = new ArrayList<java.sql.Connection>();
        var timeouts = new ArrayList<String>();
        try {
            for (int i = 0; i < 10; i++) { // the whole pool at once, so each of its connections answers
                var connection = dataSource.getConnection();
                held.add(connection);
                try (var statement = connection.createStatement(); var result = statement.executeQuery(query)) {
                    result.next();
                    timeouts.add(result.getString(1));
                }
            }
        }
        finally {
            for (var connection : held) {
                connection.close();
            }
        }
        assertThat(timeouts).hasSize(10).containsOnly(postgres ? "5s" : "5000");
    }

    private boolean onPostgres() throws Exception {
        try (var connection = dataSource.getConnection()) {
            return connection.getMetaData().getDatabaseProductName().equals("PostgreSQL");
        }
    }

    private long orderCount() {
        return jdbc.sql("select count(*) from orders").query(Long.class).single();
    }

    private static FakePaymentService startFakePaymentService() {
        try {
            return new FakePaymentService();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
