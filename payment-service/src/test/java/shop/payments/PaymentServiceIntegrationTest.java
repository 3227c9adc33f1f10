package shop.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import shop.defaults.Caller;
import shop.defaults.Money;
import shop.defaults.Role;
import shop.defaults.ServiceRuntime;
import shop.payments.processor.PaymentProcessor;
import shop.payments.processor.ProcessorOutcome;
import shop.payments.processor.SimulatedProcessor;
import shop.testing.Footprint;
import shop.testing.TestDatabase;
import shop.testing.TestTokens;

/**
 * payment-service as it runs: its real wiring over real HTTP, on H2 and on PostgreSQL (when a
 * server answers), one started service per database shared by the tests.
 */
class PaymentServiceIntegrationTest {

    private static final String PAYMENT_SERVICE = "payment-service";
    private static final String ORDER_SERVICE = "order-service";
    private static final String JSON = "application/json";
    private static final String CARD = "4242424242424242";

    /** The simulated processor, except that it cannot refund (for now) or declines to refund the orders a test names. */
    record Processor(SimulatedProcessor simulated, Set<UUID> refundsUnavailable, Set<UUID> refundsDeclined)
            implements PaymentProcessor {

        @Override
        public String tokenize(String paymentMethod) {
            return simulated.tokenize(paymentMethod);
        }

        @Override
        public Future<ProcessorOutcome> charge(UUID orderId, String token, Money amount) {
            return simulated.charge(orderId, token, amount);
        }

        @Override
        public Future<ProcessorOutcome> refund(UUID orderId, UUID refundId, Money amount, Money left) {
            if (refundsDeclined.contains(orderId)) {
                return Future.succeededFuture(new ProcessorOutcome.Declined("charge_disputed"));
            }
            return refundsUnavailable.contains(orderId)
                    ? Future.succeededFuture(new ProcessorOutcome.Unavailable("processing_error"))
                    : simulated.refund(orderId, refundId, amount, left);
        }
    }

    record Service(TestDatabase database, int port, Processor processor) {

        static Service start(TestDatabase database) {
            int port = freePort();
            var processor = new Processor(
                    new SimulatedProcessor(), ConcurrentHashMap.newKeySet(), ConcurrentHashMap.newKeySet());
            var settings = TestTokens.register(database.settings(), PAYMENT_SERVICE)
                    .with("PAYMENT_SERVICE_PORT", String.valueOf(port));
            ServiceRuntime runtime = ServiceRuntime.start(PAYMENT_SERVICE, settings);
            try {
                PaymentServiceMain.start(runtime, processor).await(60, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException("payment-service did not start within 60 s", e);
            }
            return new Service(database, port, processor);
        }

        @Override
        public String toString() {
            return database.toString();
        }
    }

    private static final List<Service> SERVICES =
            TestDatabase.everyKind("payments_http").stream().map(Service::start).toList();

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static List<Service> services() {
        return SERVICES;
    }

    // POST /charges

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void chargesAnOrderAndRecordsOnlyBrandAndLastFour(Service service) throws Exception {
        UUID order = UUID.randomUUID();
        Answer created = charge(service, order, "100.00", CARD);
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Content-Type")).startsWith(JSON);
        JsonObject charge = created.json();
        assertThat(charge.getString("orderId")).isEqualTo(order.toString());
        assertThat(charge.getString("type")).isEqualTo("CHARGE");
        assertThat(charge.getString("status")).isEqualTo("SUCCEEDED");
        assertThat(charge.getBoolean("success")).isTrue();
        assertThat(created.body()).contains("\"amount\":100.00");
        assertThat(charge.getString("currency")).isEqualTo("USD");
        assertThat(charge.getString("cardBrand")).isEqualTo("visa");
        assertThat(charge.getString("cardLast4")).isEqualTo("4242");
        assertThat(charge.containsKey("declineReason"))
                .as("null fields are written, as before")
                .isTrue();
        assertThat(charge.getValue("declineReason")).isNull();
        assertThat(Instant.parse(charge.getString("createdAt")))
                .isCloseTo(Instant.now(), within(1, ChronoUnit.MINUTES));
        assertThat(rowsOf(service, order)).isEqualTo(1);
        assertThat(everyStoredValue(service)).noneMatch(value -> value.contains(CARD));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void returnsTheFirstChargeWhenTheSameOrderIsChargedAgain(Service service) throws Exception {
        UUID order = UUID.randomUUID();
        Answer first = charge(service, order, "12.50", CARD);
        assertThat(first.status()).isEqualTo(201);
        Answer again = charge(service, order, "12.50", CARD);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json()).isEqualTo(first.json());
        Answer withoutMethod = charge(service, order, "12.5", null);
        assertThat(withoutMethod.status()).isEqualTo(200);
        assertThat(withoutMethod.json().getString("id")).isEqualTo(first.json().getString("id"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void refusesASecondChargeOfTheSameOrderForAnotherAmount(Service service) throws Exception {
        UUID order = UUID.randomUUID();
        assertThat(charge(service, order, "12.50", CARD).status()).isEqualTo(201);
        Answer conflict = charge(service, order, "99.00", CARD);
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.problemType()).isEqualTo("urn:shop:problem:charge-conflict");
        assertThat(rowsOf(service, order)).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void chargesOnceWhenManyRequestsForOneOrderRace(Service service) throws Exception {
        UUID order = UUID.randomUUID();
        List<CompletableFuture<HttpResponse<String>>> racing = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            racing.add(
                    HTTP.sendAsync(chargeRequest(service, order, "45.00", CARD), HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> statuses = new ArrayList<>();
        Set<String> ids = ConcurrentHashMap.newKeySet();
        for (var response : racing) {
            HttpResponse<String> answer = response.get(30, TimeUnit.SECONDS);
            statuses.add(answer.statusCode());
            ids.add(new JsonObject(answer.body()).getString("id"));
        }
        assertThat(statuses).containsOnly(200, 201).containsOnlyOnce(201);
        assertThat(ids).hasSize(1);
        assertThat(rowsOf(service, order)).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void recordsADeclineWithItsReasonAndMovesNoMoney(Service service) throws Exception {
        UUID order = UUID.randomUUID();
        Answer declined = charge(service, order, "10.00", "4000000000009995");
        assertThat(declined.status()).isEqualTo(201);
        assertThat(declined.json().getBoolean("success")).isFalse();
        assertThat(declined.json().getString("status")).isEqualTo("DECLINED");
        assertThat(declined.json().getString("declineReason")).isEqualTo("insufficient_funds");
        Answer refund = refund(service, order);
        assertThat(refund.status()).isEqualTo(409);
        assertThat(refund.problemType()).isEqualTo("urn:shop:problem:nothing-to-refund");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void answers503WhenTheProcessorFailsForNowAndFinishesTheChargeOnRetry(Service service) throws Exception {
        UUID order = UUID.randomUUID();
        Answer unavailable = charge(service, order, "10.00", "4000000000000119");
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.header("Retry-After")).isEqualTo("1");
        assertThat(unavailable.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(unavailable.problemType()).isEqualTo("urn:shop:problem:processor-unavailable");
        assertThat(statusOf(service, order)).as("claimed, not yet charged").isEqualTo("PROCESSING");
        assertThat(get(service, "/actuator/prometheus", null).body())
                .contains(
                        "shop_payments_total{outcome=\"processor_unavailable\",reason=\"processing_error\",type=\"charge\"}");
        Answer retried = charge(service, order, "10.00", null);
        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.json().getBoolean("success")).isTrue();
        assertThat(retried.json().getString("cardLast4")).isEqualTo("0119");
        assertThat(statusOf(service, order)).isEqualTo("SUCCEEDED");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void declinesAnOrderItHasNeverSeenWhenNoPaymentMethodCameAndKeepsThatAnswer(Service service) throws Exception {
        UUID order = UUID.randomUUID();
        Answer declined = charge(service, order, "10.00", null);
        assertThat(declined.status()).isEqualTo(201);
        assertThat(declined.json().getBoolean("success")).isFalse();
        assertThat(declined.json().getString("declineReason")).isEqualTo("payment_method_unavailable");
        assertThat(declined.json().getValue("cardBrand")).isNull();
        Answer late = charge(service, order, "10.00", CARD);
        assertThat(late.status()).isEqualTo(200);
        assertThat(late.json().getBoolean("success")).isFalse();
        assertThat(late.json().getString("id")).isEqualTo(declined.json().getString("id"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void finishesAChargeThatWasClaimedButNeverSettled(Service service) throws Exception {
        UUID order = UUID.randomUUID();
        try (Connection db = service.database().connect();
                PreparedStatement claim = db.prepareStatement("""
                insert into transactions (id, order_id, type, status, amount_minor, currency, card_brand, card_last4,
                                          processor_token, created_at)
                values (?, ?, 'CHARGE', 'PROCESSING', 700, 'USD', 'visa', '4242', 'tok_sim_approve', ?)
                """)) {
            claim.setObject(1, UUID.randomUUID());
            claim.setObject(2, order);
            claim.setObject(3, OffsetDateTime.now(ZoneOffset.UTC));
            claim.executeUpdate();
        }
        Answer finished = charge(service, order, "7.00", null);
        assertThat(finished.status()).isEqualTo(200);
        assertThat(finished.json().getBoolean("success")).isTrue();
        assertThat(finished.json().getString("status")).isEqualTo("SUCCEEDED");
        assertThat(statusOf(service, order)).isEqualTo("SUCCEEDED");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void refusesBadInputWithAProblemNamingTheField(Service service) throws Exception {
        Answer negative = post(
                service,
                "/charges",
                fromOrderService(),
                JSON,
                "{\"orderId\":\"%s\",\"amount\":-1,\"currency\":\"USD\"}".formatted(UUID.randomUUID()));
        assertThat(negative.status()).isEqualTo(400);
        assertThat(negative.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(negative.problemType()).isEqualTo("urn:shop:problem:invalid-request");
        assertThat(negative.json().getJsonArray("errors").getJsonObject(0).getString("field"))
                .isEqualTo("amount");

        assertThat(post(service, "/charges", fromOrderService(), JSON, "{\"orderId\":")
                        .status())
                .isEqualTo(400);
        Answer unknownField = post(
                service,
                "/charges",
                fromOrderService(),
                JSON,
                "{\"orderId\":\"%s\",\"amount\":1,\"currency\":\"USD\",\"tip\":5}".formatted(UUID.randomUUID()));
        assertThat(unknownField.status()).isEqualTo(400);
        Answer fraction = post(
                service,
                "/charges",
                fromOrderService(),
                JSON,
                "{\"orderId\":\"%s\",\"amount\":1.5,\"currency\":\"JPY\"}".formatted(UUID.randomUUID()));
        assertThat(fraction.status()).isEqualTo(400);
        assertThat(fraction.json().getString("detail"))
                .isEqualTo("'amount' has more decimals than the currency allows");
        assertThat(negativeRows(service)).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void refusesABodyThatIsNotJson(Service service) throws Exception {
        Answer charge = post(service, "/charges", fromOrderService(), "text/plain", "x");
        assertThat(charge.status()).isEqualTo(415);
        assertThat(charge.problemType()).isEqualTo("urn:shop:problem:unsupported-media-type");
        assertThat(post(service, "/refunds", fromOrderService(), "text/plain", "x")
                        .status())
                .isEqualTo(415);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void refusesABodyOver16Kilobytes(Service service) throws Exception {
        String padded = "{\"orderId\":\"%s\",\"amount\":1,\"currency\":\"USD\",\"x\":\"%s\"}"
                .formatted(UUID.randomUUID(), "a".repeat(17 * 1024));
        Answer tooLarge = post(service, "/charges", fromOrderService(), JSON, padded);
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.problemType()).isEqualTo("urn:shop:problem:payload-too-large");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void movesMoneyForOrderServiceOnly(Service service) throws Exception {
        String body = "{\"orderId\":\"%s\",\"amount\":1.00,\"currency\":\"USD\",\"paymentMethod\":\"%s\"}"
                .formatted(UUID.randomUUID(), CARD);
        Answer anonymous = post(service, "/charges", null, JSON, body);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(anonymous.problemType()).isEqualTo("urn:shop:problem:unauthenticated");

        Answer fromGateway = post(service, "/charges", TestTokens.customer(PAYMENT_SERVICE, "Gregor"), JSON, body);
        assertThat(fromGateway.status()).isEqualTo(403);
        assertThat(fromGateway.problemType()).isEqualTo("urn:shop:problem:forbidden");

        Answer meantForAnother = post(service, "/charges", TestTokens.customer(ORDER_SERVICE, "Gregor"), JSON, body);
        assertThat(meantForAnother.status()).isEqualTo(401);
        String orderServicesKid = TestTokens.kid(ORDER_SERVICE, PAYMENT_SERVICE);
        Answer wrongKey = post(
                service,
                "/charges",
                TestTokens.forged(
                        orderServicesKid, TestTokens.secret("someone", "else"), ORDER_SERVICE, PAYMENT_SERVICE, null),
                JSON,
                body);
        assertThat(wrongKey.status()).isEqualTo(401);
        // The gateway's own key, in a token that claims to come from order-service, or names order-service's kid.
        String gatewaysKid = TestTokens.kid("api-gateway", PAYMENT_SERVICE);
        String gatewaysKey = TestTokens.secret("api-gateway", PAYMENT_SERVICE);
        for (String impersonation : List.of(
                TestTokens.forged(gatewaysKid, gatewaysKey, ORDER_SERVICE, PAYMENT_SERVICE, null),
                TestTokens.forged(orderServicesKid, gatewaysKey, ORDER_SERVICE, PAYMENT_SERVICE, null))) {
            assertThat(post(service, "/charges", impersonation, JSON, body).status())
                    .as("the gateway's key speaking for order-service")
                    .isEqualTo(401);
        }

        assertThat(refundAs(service, TestTokens.customer(PAYMENT_SERVICE, "Gregor"), UUID.randomUUID())
                        .status())
                .isEqualTo(403);
        assertThat(refundAs(service, null, UUID.randomUUID()).status()).isEqualTo(401);
        assertThat(rowsWithAmount(service, 100)).isZero();
    }

    // POST /refunds

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void refundsAPaidOrderOnce(Service service) throws Exception {
        UUID order = UUID.randomUUID();
        assertThat(charge(service, order, "20.00", CARD).status()).isEqualTo(201);
        Answer refunded = refund(service, order);
        assertThat(refunded.status()).isEqualTo(201);
        assertThat(refunded.json().getString("type")).isEqualTo("REFUND");
        assertThat(refunded.json().getString("cardLast4")).isEqualTo("4242");
        Answer again = refund(service, order);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().getString("id")).isEqualTo(refunded.json().getString("id"));
        assertThat(again.json().getString("type")).isEqualTo("REFUND");
        assertThat(again.body()).contains("\"amount\":20.00");
        assertThat(rowsOf(service, order)).isEqualTo(2);
    }

    /**
     * Refunds of parts, each once under its own id, never more than the charge: the database
     * refuses the one that would go over, and nothing of it is stored.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void refundsAChargeInPartsEachOnceUnderItsOwnIdAndNeverMoreThanTheCharge(Service service) throws Exception {
        UUID order = UUID.randomUUID();
        assertThat(charge(service, order, "20.00", CARD).status()).isEqualTo(201);
        UUID first = UUID.randomUUID();
        Answer part = refundPart(service, order, first, "5.00");
        assertThat(part.status()).isEqualTo(201);
        assertThat(part.json().getString("id")).isEqualTo(first.toString());
        assertThat(part.body()).contains("\"amount\":5.00");
        Answer again = refundPart(service, order, first, "5.00");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().getString("id")).isEqualTo(first.toString());
        assertThat(refundPart(service, order, first, "6.00").problemType())
                .as("the same id for another amount")
                .isEqualTo("urn:shop:problem:charge-conflict");

        Answer over = refundPart(service, order, UUID.randomUUID(), "15.01");
        assertThat(over.status()).isEqualTo(409);
        assertThat(over.problemType()).isEqualTo("urn:shop:problem:refund-exceeds-charge");
        assertThat(rowsOf(service, order))
                .as("nothing stored of the refund refused")
                .isEqualTo(2);

        Answer rest = refund(service, order);
        assertThat(rest.status()).isEqualTo(201);
        assertThat(rest.body()).as("without an amount: all that is left").contains("\"amount\":15.00");
        assertThat(refundPart(service, order, UUID.randomUUID(), "0.01").problemType())
                .isEqualTo("urn:shop:problem:nothing-to-refund");
        assertThat(count(
                        service,
                        "select sum(amount_minor) from transactions where type = 'REFUND' and order_id = ?",
                        order))
                .isEqualTo(2000);
        for (String bad : List.of(
                "{\"orderId\":\"%s\",\"amount\":0}",
                "{\"orderId\":\"%s\",\"amount\":1.001}", "{\"orderId\":\"%s\",\"refundId\":\"x\"}")) {
            assertThat(post(service, "/refunds", fromOrderService(), JSON, bad.formatted(order))
                            .status())
                    .as(bad)
                    .isEqualTo(400);
        }
    }

    /** Refunds of different parts race for what is left of one charge: exactly what it holds is refunded. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void refundsExactlyTheChargeWhenManyRefundsOfPartsRace(Service service) throws Exception {
        UUID order = UUID.randomUUID();
        assertThat(charge(service, order, "12.50", CARD).status()).isEqualTo(201);
        List<CompletableFuture<HttpResponse<String>>> racing = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            racing.add(HTTP.sendAsync(
                    request(service, "/refunds", fromOrderService())
                            .header("Content-Type", JSON)
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"orderId\":\"%s\",\"refundId\":\"%s\",\"amount\":1.25}"
                                            .formatted(order, UUID.randomUUID())))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> statuses = new ArrayList<>();
        for (var response : racing) {
            statuses.add(response.get(30, TimeUnit.SECONDS).statusCode());
        }
        assertThat(statuses.stream().filter(status -> status == 201)).hasSize(10);
        assertThat(statuses).containsOnly(201, 409);
        assertThat(count(
                        service,
                        "select sum(amount_minor) from transactions where type = 'REFUND' and order_id = ?",
                        order))
                .isEqualTo(1250);
        assertThat(count(
                        service,
                        "select refunded_minor from transactions where type = 'CHARGE' and order_id = ?",
                        order))
                .isEqualTo(1250);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void refundsAChargePaidWithAToken(Service service) throws Exception {
        UUID order = UUID.randomUUID();
        Answer charged = charge(service, order, "5.00", "tok_visa");
        assertThat(charged.status()).isEqualTo(201);
        assertThat(charged.json().getString("cardBrand")).isEqualTo("token");
        Answer refunded = refund(service, order);
        assertThat(refunded.status()).isEqualTo(201);
        assertThat(refunded.json().getString("cardBrand")).isEqualTo("token");
        assertThat(refunded.json().getValue("cardLast4")).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void refusesToRefundAnOrderNeverCharged(Service service) throws Exception {
        Answer refund = refund(service, UUID.randomUUID());
        assertThat(refund.status()).isEqualTo(409);
        assertThat(refund.problemType()).isEqualTo("urn:shop:problem:nothing-to-refund");
        Answer noOrder = post(service, "/refunds", fromOrderService(), JSON, "{}");
        assertThat(noOrder.status()).isEqualTo(400);
        assertThat(noOrder.json().getJsonArray("errors").getJsonObject(0).getString("field"))
                .isEqualTo("orderId");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void answers503WhenTheProcessorCannotRefundForNowAndRefundsOnRetry(Service service) throws Exception {
        UUID order = UUID.randomUUID();
        assertThat(charge(service, order, "8.00", CARD).status()).isEqualTo(201);
        service.processor().refundsUnavailable().add(order);
        Answer unavailable = refund(service, order);
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.header("Retry-After")).isEqualTo("1");
        assertThat(unavailable.problemType()).isEqualTo("urn:shop:problem:processor-unavailable");
        assertThat(rowsOf(service, order)).as("no refund recorded").isEqualTo(1);
        service.processor().refundsUnavailable().remove(order);
        assertThat(refund(service, order).status()).isEqualTo(201);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void refusesARefundTheProcessorDeclinesAndRecordsNothing(Service service) throws Exception {
        UUID order = UUID.randomUUID();
        assertThat(charge(service, order, "8.00", CARD).status()).isEqualTo(201);
        service.processor().refundsDeclined().add(order);
        Answer declined = refund(service, order);
        assertThat(declined.status()).isEqualTo(409);
        assertThat(declined.problemType()).isEqualTo("urn:shop:problem:refund-declined");
        assertThat(declined.json().getString("declineReason")).isEqualTo("charge_disputed");
        assertThat(rowsOf(service, order)).as("no refund recorded").isEqualTo(1);
        service.processor().refundsDeclined().remove(order);
        assertThat(refund(service, order).status()).isEqualTo(201);
        assertThat(rowsOf(service, order)).isEqualTo(2);
    }

    // GET /transactions

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void listsTransactionsForAdminsOnly(Service service) throws Exception {
        UUID order = UUID.randomUUID();
        assertThat(charge(service, order, "3.00", CARD).status()).isEqualTo(201);
        Answer listed = get(service, "/transactions?orderId=" + order, TestTokens.admin(PAYMENT_SERVICE));
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.array()).hasSize(1);
        assertThat(listed.array().getJsonObject(0).getString("orderId")).isEqualTo(order.toString());

        Answer customer = get(service, "/transactions", TestTokens.customer(PAYMENT_SERVICE, "Gregor"));
        assertThat(customer.status()).isEqualTo(403);
        assertThat(customer.problemType()).isEqualTo("urn:shop:problem:forbidden");
        Answer anonymous = get(service, "/transactions", null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("Content-Type")).isEqualTo("application/problem+json");
        Answer noEndUser = get(service, "/transactions", TestTokens.bearer(ORDER_SERVICE, PAYMENT_SERVICE, null));
        assertThat(noEndUser.status()).isEqualTo(401);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void listsNewestFirstOnePageAtATime(Service service) throws Exception {
        UUID order = UUID.randomUUID();
        assertThat(charge(service, order, "6.00", CARD).status()).isEqualTo(201);
        assertThat(refund(service, order).status()).isEqualTo(201);
        String admin = TestTokens.admin(PAYMENT_SERVICE);
        JsonArray both = get(service, "/transactions?orderId=" + order, admin).array();
        assertThat(both.stream().map(t -> ((JsonObject) t).getString("type"))).containsExactly("REFUND", "CHARGE");
        JsonArray second = get(service, "/transactions?orderId=%s&page=1&size=1".formatted(order), admin)
                .array();
        assertThat(second).hasSize(1);
        assertThat(second.getJsonObject(0).getString("type")).isEqualTo("CHARGE");
        assertThat(get(service, "/transactions?size=500&page=100000", admin).array())
                .isEmpty();
        assertThat(get(service, "/transactions?orderId=", admin).status()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void refusesBadParametersNamingEach(Service service) throws Exception {
        String admin = TestTokens.admin(PAYMENT_SERVICE);
        Map<String, String> refused = Map.of(
                "page=-1",
                "page",
                "page=100001",
                "page",
                "page=x",
                "page",
                "size=0",
                "size",
                "size=501",
                "size",
                "size=1.5",
                "size",
                "orderId=not-a-uuid",
                "orderId");
        for (var query : refused.entrySet()) {
            Answer answer = get(service, "/transactions?" + query.getKey(), admin);
            assertThat(answer.status()).as(query.getKey()).isEqualTo(400);
            assertThat(answer.problemType()).isEqualTo("urn:shop:problem:invalid-request");
            assertThat(answer.json().getJsonArray("errors").getJsonObject(0).getString("field"))
                    .as(query.getKey())
                    .isEqualTo(query.getValue());
            assertThat(answer.body()).doesNotContain("not-a-uuid");
        }
    }

    // What every service has

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void answersHealthAndReadinessWithoutAToken(Service service) throws Exception {
        for (String path : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness")) {
            assertThat(get(service, path, null).status()).as(path).isEqualTo(200);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void countsPaymentsForPrometheus(Service service) throws Exception {
        assertThat(charge(service, UUID.randomUUID(), "2.00", CARD).status()).isEqualTo(201);
        assertThat(charge(service, UUID.randomUUID(), "2.00", "4000000000000002")
                        .status())
                .isEqualTo(201);
        UUID refunded = UUID.randomUUID();
        assertThat(charge(service, refunded, "2.00", CARD).status()).isEqualTo(201);
        assertThat(refund(service, refunded).status()).isEqualTo(201);
        Answer scrape = get(service, "/actuator/prometheus", null);
        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.body())
                .contains(
                        "shop_payments_total{outcome=\"succeeded\",reason=\"none\",type=\"charge\"}",
                        "shop_payments_total{outcome=\"declined\",reason=\"card_declined\",type=\"charge\"}",
                        "shop_payments_total{outcome=\"succeeded\",reason=\"none\",type=\"refund\"}",
                        "shop_payments_amount_sum{currency=\"USD\",type=\"charge\"}",
                        "http_server_requests_seconds_count");
    }

    // Defect: /actuator/../products on order-service's port answered without a token: internal authentication let
    // through any raw path under /actuator/, which routing then normalised.

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void takesNoCallWithoutATokenHoweverItsPathIsSpelled(Service service) throws Exception {
        String charge = "{\"orderId\":\"%s\",\"amount\":1.00,\"currency\":\"USD\",\"paymentMethod\":\"%s\"}"
                .formatted(UUID.randomUUID(), CARD);
        for (String path : List.of(
                "/actuator/../charges",
                "/actuator/%2e%2e/charges",
                "/actuator/%2E%2E/refunds",
                "/actuator/health/../../charges",
                "/actuator/;/../../charges",
                "/actuator//../refunds",
                "//actuator/../charges",
                "/actuator;/../charges")) {
            String answer = raw(
                    service,
                    "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                            + charge.length() + "\r\n",
                    charge);
            assertThat(answer)
                    .as("POST " + path)
                    .startsWith("HTTP/1.1 401")
                    .contains("urn:shop:problem:unauthenticated");
        }
        for (String path : List.of(
                "/actuator/../transactions",
                "/actuator/%2e%2e/transactions",
                "/actuator/health/liveness/../../../transactions",
                "/actuator/unknown")) {
            assertThat(raw(service, "GET " + path + " HTTP/1.1\r\nHost: x\r\n", ""))
                    .as("GET " + path)
                    .startsWith("HTTP/1.1 401");
        }
        assertThat(rowsWithAmount(service, 100)).as("nothing charged").isZero();
        assertThat(raw(service, "GET /actuator/health/readiness HTTP/1.1\r\nHost: x\r\n", ""))
                .as("the probes' own routes stay open")
                .startsWith("HTTP/1.1 200");
    }

    // Defect: every method token a client sent became a metric series with its histogram, before any token was
    // checked.

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void keepsItsMetricsAndMemoryBoundedWhateverAnonymousClientsSend(Service service) throws Exception {
        // Every series a flood can make, every class it loads and every pool it fills, first.
        flood(service, 0, 200);
        Footprint before = Footprint.of(() -> scrape(service));
        flood(service, 200, 2_000);
        Footprint after = Footprint.of(() -> scrape(service));
        System.out.printf(
                "payment-service (%s): before the flood %s, after %s, added %s%n",
                service, before, after, after.seriesAddedSince(before));
        assertThat(after.httpServerSeries()).as("http.server.requests series").isEqualTo(before.httpServerSeries());
        assertThat(after.seriesAddedSince(before))
                .as("series added: the JVM's own at most (a kind of collection not seen before), none by the requests")
                .allSatisfy(series -> assertThat(series).startsWith("jvm_"));
        assertThat(after.scrapeBytes())
                .as("the scrape's size, within 5% (its values grow a digit)")
                .isCloseTo(before.scrapeBytes(), withinPercentage(5));
        assertThat(after.heapBytes() - before.heapBytes())
                .as("heap kept after full collections, within 4 MB")
                .isLessThan(4L * 1024 * 1024);
        assertThat(scrape(service)).doesNotContain("XYZZY", "junk");
    }

    /**
     * {@code count} rounds of requests with no valid token, each with values of its own: a made-up
     * method (one in ten 4 KB long), two made-up paths, made-up header values and bearer tokens.
     */
    private static void flood(Service service, int from, int count) throws Exception {
        for (int i = from; i < from + count; i++) {
            String own = "junk-" + i + "-" + UUID.randomUUID();
            String method = "XYZZY" + i + (i % 10 == 0 ? "Q".repeat(4_000) : "");
            send(request(service, "/charges", null)
                    .method(method, HttpRequest.BodyPublishers.noBody())
                    .build());
            send(request(service, "/" + own, null).GET().build());
            send(request(service, "/transactions/" + own, "Bearer " + own).GET().build());
            send(request(service, "/transactions?orderId=" + own, "Bearer " + own)
                    .header("X-" + own, own)
                    .header("User-Agent", own)
                    .header(
                            "traceparent",
                            "00-" + UUID.randomUUID().toString().replace("-", "") + "-00f067aa0ba902b7-01")
                    .GET()
                    .build());
        }
    }

    private static String scrape(Service service) {
        try {
            return get(service, "/actuator/prometheus", null).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A request written as it is (the JDK's client would not send every path as given), and the whole answer. */
    private static String raw(Service service, String head, String body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", service.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write((head + "Connection: close\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    // HTTP

    record Answer(int status, java.net.http.HttpHeaders headers, String body) {

        @Nullable
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        JsonObject json() {
            return new JsonObject(body);
        }

        JsonArray array() {
            return new JsonArray(body);
        }

        String problemType() {
            assertThat(header("Content-Type")).isEqualTo("application/problem+json");
            return json().getString("type");
        }
    }

    /** Credentials as order-service sends them, fresh: they are short-lived. */
    private static String fromOrderService() {
        return TestTokens.bearer(ORDER_SERVICE, PAYMENT_SERVICE, new Caller("Gregor", Role.CUSTOMER));
    }

    private static Answer charge(Service service, UUID order, String amount, @Nullable String paymentMethod)
            throws Exception {
        return send(chargeRequest(service, order, amount, paymentMethod));
    }

    private static HttpRequest chargeRequest(
            Service service, UUID order, String amount, @Nullable String paymentMethod) {
        String method =
                paymentMethod == null ? ",\"paymentMethod\":null" : ",\"paymentMethod\":\"" + paymentMethod + "\"";
        return request(service, "/charges", fromOrderService())
                .header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"orderId\":\"%s\",\"amount\":%s,\"currency\":\"USD\"%s}".formatted(order, amount, method)))
                .build();
    }

    private static Answer refund(Service service, UUID order) throws Exception {
        return refundAs(service, fromOrderService(), order);
    }

    private static Answer refundPart(Service service, UUID order, UUID refundId, String amount) throws Exception {
        return post(
                service,
                "/refunds",
                fromOrderService(),
                JSON,
                "{\"orderId\":\"%s\",\"refundId\":\"%s\",\"amount\":%s}".formatted(order, refundId, amount));
    }

    private static Answer refundAs(Service service, @Nullable String authorization, UUID order) throws Exception {
        return post(service, "/refunds", authorization, JSON, "{\"orderId\":\"%s\"}".formatted(order));
    }

    private static Answer post(
            Service service, String path, @Nullable String authorization, String contentType, String body)
            throws Exception {
        return send(request(service, path, authorization)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private static Answer get(Service service, String path, @Nullable String authorization) throws Exception {
        return send(request(service, path, authorization).GET().build());
    }

    private static HttpRequest.Builder request(Service service, String path, @Nullable String authorization) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
                .timeout(Duration.ofSeconds(30));
        return authorization == null ? request : request.header("Authorization", authorization);
    }

    private static Answer send(HttpRequest request) throws Exception {
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.headers(), response.body());
    }

    // The database, as an operator would look at it

    private static long rowsOf(Service service, UUID order) throws SQLException {
        return count(service, "select count(*) from transactions where order_id = ?", order);
    }

    private static long negativeRows(Service service) throws SQLException {
        return count(service, "select count(*) from transactions where amount_minor < 0", null);
    }

    private static long rowsWithAmount(Service service, long minorUnits) throws SQLException {
        return count(service, "select count(*) from transactions where amount_minor = ?", minorUnits);
    }

    private static long count(Service service, String sql, @Nullable Object parameter) throws SQLException {
        try (Connection db = service.database().connect();
                PreparedStatement query = db.prepareStatement(sql)) {
            if (parameter != null) {
                query.setObject(1, parameter);
            }
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static String statusOf(Service service, UUID order) throws SQLException {
        try (Connection db = service.database().connect();
                PreparedStatement query =
                        db.prepareStatement("select status from transactions where order_id = ? and type = 'CHARGE'")) {
            query.setObject(1, order);
            try (ResultSet rows = query.executeQuery()) {
                assertThat(rows.next()).isTrue();
                return rows.getString(1);
            }
        }
    }

    private static List<String> everyStoredValue(Service service) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection db = service.database().connect();
                ResultSet rows = db.createStatement().executeQuery("select * from transactions")) {
            while (rows.next()) {
                for (int column = 1; column <= rows.getMetaData().getColumnCount(); column++) {
                    values.add(String.valueOf(rows.getObject(column)));
                }
            }
        }
        return values;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
