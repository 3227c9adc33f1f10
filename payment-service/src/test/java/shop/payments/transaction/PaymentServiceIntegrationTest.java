package shop.payments.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;
import shop.defaults.Caller;
import shop.defaults.Role;
import shop.testing.TestDatabase;
import shop.testing.TestTokens;

/** payment-service over real HTTP, on its real database: PostgreSQL when one answers, else H2. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
class PaymentServiceIntegrationTest {

    private static final String PAYMENT_SERVICE = "payment-service";
    private static final String ORDER_SERVICE = "order-service";

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabase.create("payments").registerAsDataSource(registry);
        TestTokens.register(registry);
    }

    @Autowired
    JdbcClient jdbc;

    @Autowired
    RestTestClient http;

    @Test
    void chargesAnOrderAndRecordsOnlyBrandAndLastFour() {
        UUID order = UUID.randomUUID();
        charge(order, "100.00", "4242424242424242").expectStatus().isCreated()
            .expectBody()
            .jsonPath("$.orderId").isEqualTo(order.toString())
            .jsonPath("$.type").isEqualTo("CHARGE")
            .jsonPath("$.success").isEqualTo(true)
            .jsonPath("$.amount").isEqualTo(100.0)
            .jsonPath("$.cardBrand").isEqualTo("visa")
            .jsonPath("$.cardLast4").isEqualTo("4242");
        assertThat(jdbc.sql("select count(*) from transactions where order_id = :id").param("id", order)
            .query(Long.class).single()).isEqualTo(1);
        assertThat(everyStoredValue()).noneMatch(value -> value.contains("4242424242424242"));
    }

    @Test
    void returnsTheFirstChargeWhenTheSameOrderIsChargedAgain() {
        UUID order = UUID.randomUUID();
        String first = charge(order, "12.50", "4242424242424242").expectStatus().isCreated()
            .expectBody(TransactionView.class).returnResult().getResponseBody().id().toString();
        charge(order, "12.50", "4242424242424242").expectStatus().isOk()
            .expectBody().jsonPath("$.id").isEqualTo(first);
        charge(order, "12.50", null).expectStatus().isOk().expectBody().jsonPath("$.id").isEqualTo(first);
    }

    @Test
    void refusesASecondChargeOfTheSameOrderForAnotherAmount() {
        UUID order = UUID.randomUUID();
        charge(order, "12.50", "4242424242424242").expectStatus().isCreated();
        charge(order, "99.00", "4242424242424242").expectStatus().isEqualTo(409)
            .expectBody().jsonPath("$.type").isEqualTo("urn:shop:problem:charge-conflict");
    }

    @Test
    void chargesOnceWhenManyRequestsForOneOrderRace() throws Exception {
        UUID order = UUID.randomUUID();
        List<Callable<Integer>> requests = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            requests.add(() -> charge(order, "45.00", "4242424242424242").returnResult(String.class).getStatus()
                .value());
        }
        List<Integer> statuses = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<Integer> status : pool.invokeAll(requests)) {
                statuses.add(status.get());
            }
        }
        assertThat(statuses).containsOnly(200, 201);
        assertThat(jdbc.sql("select count(*) from transactions where order_id = :id").param("id", order)
            .query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void recordsADeclineWithItsReasonAndMovesNoMoney() {
        UUID order = UUID.randomUUID();
        charge(order, "10.00", "4000000000009995").expectStatus().isCreated()
            .expectBody()
            .jsonPath("$.success").isEqualTo(false)
            .jsonPath("$.status").isEqualTo("DECLINED")
            .jsonPath("$.declineReason").isEqualTo("insufficient_funds");
        refund(order).expectStatus().isEqualTo(409)
            .expectBody().jsonPath("$.type").isEqualTo("urn:shop:problem:nothing-to-refund");
    }

    @Test
    void answers503WhenTheProcessorFailsForNowAndFinishesTheChargeOnRetry() {
        UUID order = UUID.randomUUID();
        charge(order, "10.00", "4000000000000119").expectStatus().isEqualTo(503)
            .expectHeader().exists("Retry-After")
            .expectBody().jsonPath("$.type").isEqualTo("urn:shop:problem:processor-unavailable");
        assertThat(jdbc.sql("select status from transactions where order_id = :id").param("id", order)
            .query(String.class).single()).as("claimed, not yet charged").isEqualTo("PROCESSING");
        charge(order, "10.00", null).expectStatus().isOk()
            .expectBody().jsonPath("$.success").isEqualTo(true).jsonPath("$.cardLast4").isEqualTo("0119");
    }

    @Test
    void declinesAnOrderItHasNeverSeenWhenNoPaymentMethodCameAndKeepsThatAnswer() {
        UUID order = UUID.randomUUID();
        charge(order, "10.00", null).expectStatus().isCreated()
            .expectBody()
            .jsonPath("$.success").isEqualTo(false)
            .jsonPath("$.declineReason").isEqualTo("payment_method_unavailable");
        charge(order, "10.00", "4242424242424242").expectStatus().isOk()
            .expectBody().jsonPath("$.success").isEqualTo(false);
    }

    @Test
    void finishesAChargeThatWasClaimedButNeverSettled() {
        UUID order = UUID.randomUUID();
        jdbc.sql("""
                insert into transactions (id, order_id, type, status, amount_minor, currency, card_brand, card_last4,
                                          processor_token, created_at)
                values (:id, :order, 'CHARGE', 'PROCESSING', 700, 'USD', 'visa', '4242', 'tok_sim_approve',
                        current_timestamp)
                """).param("id", UUID.randomUUID()).param("order", order).update();
        charge(order, "7.00", null).expectStatus().isOk()
            .expectBody().jsonPath("$.success").isEqualTo(true).jsonPath("$.status").isEqualTo("SUCCEEDED");
    }

    @Test
    void refundsAPaidOrderOnce() {
        UUID order = UUID.randomUUID();
        charge(order, "20.00", "4242424242424242").expectStatus().isCreated();
        String refundId = refund(order).expectStatus().isCreated()
            .expectBody(TransactionView.class).returnResult().getResponseBody().id().toString();
        refund(order).expectStatus().isOk().expectBody()
            .jsonPath("$.id").isEqualTo(refundId)
            .jsonPath("$.type").isEqualTo("REFUND")
            .jsonPath("$.amount").isEqualTo(20.0);
    }

    @Test
    void listsTransactionsForAdminsOnly() {
        UUID order = UUID.randomUUID();
        charge(order, "3.00", "4242424242424242").expectStatus().isCreated();
        http.get().uri("/transactions?orderId=" + order).header("Authorization", TestTokens.admin(PAYMENT_SERVICE))
            .exchange()
            .expectStatus().isOk()
            .expectBody().jsonPath("$.length()").isEqualTo(1).jsonPath("$[0].orderId").isEqualTo(order.toString());
        http.get().uri("/transactions").header("Authorization", TestTokens.customer(PAYMENT_SERVICE, "Gregor"))
            .exchange().expectStatus().isForbidden();
        http.get().uri("/transactions").exchange().expectStatus().isUnauthorized()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void refusesBadInputWithAProblemNamingTheField() {
        http.post().uri("/charges").contentType(MediaType.APPLICATION_JSON).header("Authorization", fromOrderService())
            .body("{\"orderId\":\"%s\",\"amount\":-1,\"currency\":\"USD\"}".formatted(UUID.randomUUID()))
            .exchange().expectStatus().isBadRequest()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody().jsonPath("$.errors[0].field").isEqualTo("amount");
        http.post().uri("/charges").contentType(MediaType.APPLICATION_JSON).header("Authorization", fromOrderService())
            .body("{\"orderId\":")
            .exchange().expectStatus().isBadRequest();
        http.post().uri("/charges").contentType(MediaType.TEXT_PLAIN).header("Authorization", fromOrderService()).body("x")
            .exchange().expectStatus().isEqualTo(415);
        assertThat(jdbc.sql("select count(*) from transactions where amount_minor < 0").query(Long.class).single())
            .isZero();
    }

    @Test
    void movesMoneyForOrderServiceOnly() {
        String body = "{\"orderId\":\"%s\",\"amount\":1.00,\"currency\":\"USD\",\"paymentMethod\":\"4242424242424242\"}"
            .formatted(UUID.randomUUID());
        http.post().uri("/charges").contentType(MediaType.APPLICATION_JSON).body(body).exchange()
            .expectStatus().isUnauthorized().expectHeader().exists("WWW-Authenticate");
        http.post().uri("/charges").contentType(MediaType.APPLICATION_JSON).body(body)
            .header("Authorization", TestTokens.customer(PAYMENT_SERVICE, "Gregor")).exchange()
            .expectStatus().isForbidden();
        http.post().uri("/charges").contentType(MediaType.APPLICATION_JSON).body(body)
            .header("Authorization", TestTokens.bearer(ORDER_SERVICE, ORDER_SERVICE, null)).exchange()
            .expectStatus().isUnauthorized();
        assertThat(jdbc.sql("select count(*) from transactions where amount_minor = 100").query(Long.class).single())
            .isZero();
    }

    /** Credentials as order-service sends them, fresh: they are short-lived. */
    private static String fromOrderService() {
        return TestTokens.bearer(ORDER_SERVICE, PAYMENT_SERVICE, new Caller("Gregor", Role.CUSTOMER));
    }

    private RestTestClient.ResponseSpec charge(UUID order, String amount, String paymentMethod) {
        String method = paymentMethod == null ? "" : ",\"paymentMethod\":\"" + paymentMethod + "\"";
        return http.post().uri("/charges").contentType(MediaType.APPLICATION_JSON)
            .header("Authorization", fromOrderService())
            .body("{\"orderId\":\"%s\",\"amount\":%s,\"currency\":\"USD\"%s}".formatted(order, amount, method))
            .exchange();
    }

    private RestTestClient.ResponseSpec refund(UUID order) {
        return http.post().uri("/refunds").contentType(MediaType.APPLICATION_JSON)
            .header("Authorization", fromOrderService())
            .body("{\"orderId\":\"%s\"}".formatted(order)).exchange();
    }

    private List<String> everyStoredValue() {
        return jdbc.sql("select * from transactions").query((ResultSet rs) -> {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                for (int column = 1; column <= rs.getMetaData().getColumnCount(); column++) {
                    values.add(String.valueOf(rs.getObject(column)));
                }
            }
            return values;
        });
    }
}
