package shop.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static shop.system.Gateway.ADMIN;
import static shop.system.Gateway.ALICE;
import static shop.system.Gateway.GREGOR;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Shop end to end: the three services as separate processes, driven through the gateway over
 * HTTP as a client would, then restarted to show nothing was lost.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShopSystemTest {

    private static final String DEMO_ORDER = "{\"item\":\"t-shirt\",\"price\":100,\"customer\":\"Gregor\"}";

    private ShopProcesses shop;
    private Gateway gateway;
    private final List<String> acknowledgedOrders = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        shop = new ShopProcesses("e2e").start();
        gateway = new Gateway(shop.gatewayUrl());
        System.out.println("Shop system test on " + shop.databaseKind());
    }

    @AfterAll
    void stop() throws Exception {
        shop.close();
    }

    @Test
    @Order(1)
    void placesAndPaysTheDemoOrder() {
        var placed = gateway.post("/orders", GREGOR, DEMO_ORDER);
        assertThat(placed.status()).isEqualTo(201);
        String id = placed.json().get("id").asText();
        assertThat(placed.header("Location")).isEqualTo("/orders/" + id);
        assertThat(placed.header("Strict-Transport-Security"))
                .as("no HSTS over plain HTTP")
                .isNull();
        assertThat(placed.json().get("status").asText()).isEqualTo("PAID");
        assertThat(placed.json().get("amount").decimalValue()).isEqualByComparingTo("100.00");
        String chargeId = placed.json().get("transaction").get("id").asText();
        acknowledgedOrders.add(id);

        assertThat(ids(gateway.get("/orders", GREGOR))).contains(id);
        var shown = gateway.get("/orders/" + id, GREGOR);
        assertThat(shown.status()).isEqualTo(200);
        assertThat(shown.json().get("transaction").get("id").asText()).isEqualTo(chargeId);

        var transactions = gateway.get("/transactions?orderId=" + id, ADMIN);
        assertThat(transactions.status()).isEqualTo(200);
        assertThat(transactions.json()).hasSize(1);
        JsonNode charge = transactions.json().get(0);
        assertThat(charge.get("id").asText()).isEqualTo(chargeId);
        assertThat(charge.get("type").asText()).isEqualTo("CHARGE");
        assertThat(charge.get("success").asBoolean()).isTrue();
        assertThat(charge.get("amount").decimalValue()).isEqualByComparingTo("100.00");
    }

    @Test
    @Order(2)
    void decidesPaymentsByTestCard() {
        String declined = placeWithCard("4000000000000002", 201, "PAYMENT_FAILED", "card_declined");
        String noFunds = placeWithCard("4000000000009995", 201, "PAYMENT_FAILED", "insufficient_funds");
        String paid = placeWithCard("4242424242424242", 201, "PAID", null);
        String retried = placeWithCard("4000000000000119", 202, "PENDING", null);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "PAID"
                        .equals(gateway.get("/orders/" + retried, GREGOR)
                                .json()
                                .get("status")
                                .asText()));

        for (String failed : List.of(declined, noFunds)) {
            assertThat(successfulCharges(failed))
                    .as("no charge for a declined order")
                    .isZero();
        }
        assertThat(successfulCharges(paid)).isEqualTo(1);
        assertThat(successfulCharges(retried)).isEqualTo(1);

        assertThat(ids(gateway.get("/orders", GREGOR))).contains(paid, retried).doesNotContain(declined, noFunds);
        assertThat(ids(gateway.get("/orders?status=PAYMENT_FAILED", GREGOR)))
                .contains(declined, noFunds)
                .doesNotContain(paid);
    }

    @Test
    @Order(3)
    void pricesFromTheCatalog() {
        int before = allOrders().size();
        var unknown = gateway.post("/orders", GREGOR, "{\"item\":\"unicorn\",\"price\":1}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("type").asText()).isEqualTo("urn:shop:problem:unknown-item");
        var cheaper = gateway.post("/orders", GREGOR, "{\"item\":\"t-shirt\",\"price\":1}");
        assertThat(cheaper.status()).isEqualTo(409);
        assertThat(cheaper.json().get("type").asText()).isEqualTo("urn:shop:problem:price-mismatch");
        assertThat(allOrders()).hasSize(before);

        var three = gateway.post("/orders", GREGOR, "{\"item\":\"mug\",\"quantity\":3}");
        assertThat(three.status()).isEqualTo(201);
        assertThat(three.json().get("amount").decimalValue()).isEqualByComparingTo("37.50");
        var one = gateway.post("/orders", GREGOR, "{\"item\":\"mug\"}");
        assertThat(one.json().get("quantity").asInt()).isEqualTo(1);
        assertThat(one.json().get("amount").decimalValue()).isEqualByComparingTo("12.50");
        acknowledgedOrders.add(three.json().get("id").asText());
        acknowledgedOrders.add(one.json().get("id").asText());
    }

    @Test
    @Order(4)
    void honoursIdempotencyKeys() {
        Map<String, String> key = Map.of("Content-Type", "application/json", "Idempotency-Key", "e2e-key-1");
        var first = gateway.send("POST", "/orders", GREGOR, "{\"item\":\"cap\"}", key);
        var again = gateway.send("POST", "/orders", GREGOR, "{\"item\":\"cap\"}", key);
        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(201);
        String id = first.json().get("id").asText();
        assertThat(again.json().get("id").asText()).isEqualTo(id);
        assertThat(gateway.get("/transactions?orderId=" + id, ADMIN).json()).hasSize(1);
        acknowledgedOrders.add(id);

        var other = gateway.send("POST", "/orders", GREGOR, "{\"item\":\"hoodie\"}", key);
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.json().get("type").asText()).isEqualTo("urn:shop:problem:idempotency-key-reused");
    }

    @Test
    @Order(5)
    void refundsAPaidOrderOnce() {
        String id = gateway.post("/orders", GREGOR, "{\"item\":\"sticker\"}")
                .json()
                .get("id")
                .asText();
        acknowledgedOrders.add(id);
        var refunded = gateway.post("/orders/" + id + "/refund", GREGOR, null);
        assertThat(refunded.status()).isEqualTo(200);
        assertThat(refunded.json().get("status").asText()).isEqualTo("REFUNDED");
        assertThat(gateway.get("/transactions?orderId=" + id, ADMIN)
                        .items()
                        .map(t -> t.get("type").asText()))
                .containsExactlyInAnyOrder("CHARGE", "REFUND");

        assertThat(gateway.post("/orders/" + id + "/refund", GREGOR, null).status())
                .isEqualTo(409);
        String failed = placeWithCard("4000000000000002", 201, "PAYMENT_FAILED", "card_declined");
        assertThat(gateway.post("/orders/" + failed + "/refund", GREGOR, null).status())
                .isEqualTo(409);
    }

    @Test
    @Order(6)
    void letsEachCallerSeeOnlyWhatIsTheirs() {
        String gregors = acknowledgedOrders.getFirst();
        assertThat(gateway.get("/orders", null).status()).isEqualTo(401);
        assertThat(gateway.get("/orders", "not-a-key").status()).isEqualTo(401);
        assertThat(gateway.get("/orders/" + gregors, ALICE).status()).isEqualTo(404);
        assertThat(gateway.post("/orders/" + gregors + "/refund", ALICE, null).status())
                .isEqualTo(404);
        assertThat(ids(gateway.get("/orders?status=any", ALICE))).doesNotContain(gregors);
        assertThat(gateway.get("/transactions", GREGOR).status()).isEqualTo(403);
        assertThat(gateway.get("/transactions", ADMIN).status()).isEqualTo(200);
        assertThat(gateway.get("/orders/" + gregors, ADMIN).status()).isEqualTo(200);
        assertThat(gateway.get("/products", null).status()).isEqualTo(200);
    }

    @Test
    @Order(7)
    void answersBadInputWithProblemsAndStoresNothing() {
        int orders = allOrders().size();
        int transactions = gateway.get("/transactions?size=500", ADMIN).json().size();
        Map<String, Integer> expectations = Map.of(
                "{\"item\":", 400,
                "{\"price\":100}", 400,
                "{\"item\":\"cap\",\"quantity\":-1}", 400,
                "{\"item\":\"cap\",\"quantity\":100000}", 400,
                "{\"item\":\"cap\",\"price\":\"cheap\"}", 400,
                "[1,2,3]", 400);
        expectations.forEach((body, status) -> {
            var response = gateway.post("/orders", GREGOR, body);
            assertThat(response.status()).as(body).isEqualTo(status);
            assertProblem(response);
        });
        assertThat(gateway.post("/orders", GREGOR, "{\"item\":\"cap\",\"quantity\":-1}")
                        .json()
                        .get("detail")
                        .asText())
                .contains("quantity");
        assertProblem(gateway.send("POST", "/orders", GREGOR, "item=cap", Map.of("Content-Type", "text/plain")), 415);
        assertProblem(gateway.post("/orders", GREGOR, "{\"item\":\"" + "x".repeat(100_000) + "\"}"), 413);
        assertProblem(gateway.get("/no/such/route", GREGOR), 404);
        assertProblem(gateway.send("DELETE", "/orders", GREGOR, null, Map.of()), 405);
        assertProblem(gateway.get("/orders", null), 401);

        assertThat(allOrders()).hasSize(orders);
        assertThat(gateway.get("/transactions?size=500", ADMIN).json().size()).isEqualTo(transactions);
    }

    @Test
    @Order(8)
    void keepsEveryOrderAndTransactionAcrossARestart() throws Exception {
        List<String> ordersBefore = ids(allOrdersResponse());
        List<String> transactionsBefore = ids(gateway.get("/transactions?size=500", ADMIN));
        assertThat(ordersBefore).containsAll(acknowledgedOrders);

        shop.stop();
        shop.start();

        assertThat(ids(allOrdersResponse())).containsExactlyElementsOf(ordersBefore);
        assertThat(ids(gateway.get("/transactions?size=500", ADMIN))).containsExactlyElementsOf(transactionsBefore);
        assertThat(gateway.get("/orders/" + acknowledgedOrders.getFirst(), GREGOR)
                        .json()
                        .get("status")
                        .asText())
                .isEqualTo("PAID");
    }

    private String placeWithCard(String card, int expectedStatus, String orderStatus, String reason) {
        var placed = gateway.post("/orders", GREGOR, "{\"item\":\"cap\",\"paymentMethod\":\"" + card + "\"}");
        assertThat(placed.status()).as(card).isEqualTo(expectedStatus);
        assertThat(placed.json().get("status").asText()).as(card).isEqualTo(orderStatus);
        if (reason != null) {
            assertThat(placed.json().get("declineReason").asText()).isEqualTo(reason);
        }
        String id = placed.json().get("id").asText();
        acknowledgedOrders.add(id);
        return id;
    }

    private long successfulCharges(String orderId) {
        return gateway.get("/transactions?orderId=" + orderId, ADMIN)
                .items()
                .filter(t -> t.get("type").asText().equals("CHARGE")
                        && t.get("success").asBoolean())
                .count();
    }

    private Gateway.Response allOrdersResponse() {
        return gateway.get("/orders?status=any&size=100", ADMIN);
    }

    private List<JsonNode> allOrders() {
        return allOrdersResponse().items().toList();
    }

    private static List<String> ids(Gateway.Response response) {
        assertThat(response.status()).isEqualTo(200);
        return response.items().map(node -> node.get("id").asText()).toList();
    }

    private static void assertProblem(Gateway.Response response, int status) {
        assertThat(response.status()).isEqualTo(status);
        assertProblem(response);
    }

    private static void assertProblem(Gateway.Response response) {
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("type").asText()).startsWith("urn:shop:problem:");
        assertThat(response.raw().body()).doesNotContain("Exception").doesNotContain("\tat ");
    }
}
