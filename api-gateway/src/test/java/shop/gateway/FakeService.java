package shop.gateway;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Stands in for order-service or payment-service, over real HTTP on a Vert.x server: it records
 * every request exactly as it arrived, and answers what the contract says the service answers
 * (or what a test sets), so that the gateway's relayed answers can be checked against the contract.
 */
public final class FakeService implements AutoCloseable {

    public static final String ORDER_ID = "6f1c2b1e-2f0a-4c57-9d43-5b8f1e0a9c11";
    public static final String ORDER = """
            {"id":"%s","item":"cap","quantity":1,"price":20.00,"amount":20.00,"currency":"USD",\
            "lines":[{"item":"cap","quantity":1,"price":20.00,"amount":20.00,"refunded":0}],\
            "customer":"Gregor","status":"PAID","success":true,"declineReason":null,\
            "transaction":{"id":"0b7e2d8c-1b51-4d7e-8a3c-2f6a9d1e5c44","amount":20.00,"currency":"USD",\
            "success":true,"cardBrand":"visa","cardLast4":"4242"},"refund":null,\
            "createdAt":"2026-11-28T10:00:00Z","updatedAt":"2026-11-28T10:00:01Z"}""".formatted(ORDER_ID);
    public static final String PRODUCTS = """
            [{"item":"cap","name":"Cap","price":20.00,"currency":"USD","available":250}]""";
    public static final String SUMMARY = """
            {"at":"2026-11-28T10:00:00Z","lastMinute":{"placed":3,"paid":2,"declined":1,"pending":0,"refunded":0},\
            "lastHour":{"placed":40,"paid":35,"declined":4,"pending":0,"refunded":1},"pendingNow":0,"stuckNow":0,\
            "paymentBreaker":"CLOSED"}""";

    public static final String TRANSACTIONS = """
            [{"id":"0b7e2d8c-1b51-4d7e-8a3c-2f6a9d1e5c44","orderId":"%s","type":"CHARGE","status":"SUCCEEDED",\
            "success":true,"amount":20.00,"currency":"USD","declineReason":null,"cardBrand":"visa",\
            "cardLast4":"4242","createdAt":"2026-11-28T10:00:00Z"}]""".formatted(ORDER_ID);

    /** A request as it arrived: header values as the bytes sent (ISO-8859-1, one char a byte). */
    public record Received(String method, String uri, MultiMap headers, Buffer body) {

        public @Nullable String header(String name) {
            return headers.get(name);
        }
    }

    /** What to answer. */
    public record Answer(int status, Map<String, String> headers, String body, Duration delay) {

        public static Answer json(int status, String body) {
            return new Answer(status, Map.of("Content-Type", "application/json"), body, Duration.ZERO);
        }

        public static Answer problem(int status, String slug, Map<String, String> headers) {
            String body = """
                    {"type":"urn:shop:problem:%s","title":"Refused","status":%d,"detail":"As the service says"}""".formatted(slug, status);
            Map<String, String> all = new java.util.HashMap<>(headers);
            all.put("Content-Type", "application/problem+json");
            return new Answer(status, all, body, Duration.ZERO);
        }

        /** No answer: the connection is closed once the request has arrived (status 0 stands for that). */
        public static Answer hangUp() {
            return new Answer(0, Map.of(), "", Duration.ZERO);
        }

        public Answer after(Duration wait) {
            return new Answer(status, headers, body, wait);
        }
    }

    private final Vertx vertx;
    private final HttpServer server;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private volatile @Nullable Answer fixed;

    private FakeService(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    public static FakeService start(Vertx vertx) {
        FakeService[] self = new FakeService[1];
        HttpServer server = vertx.createHttpServer()
                .requestHandler(request -> request.body().onSuccess(body -> self[0].handle(request, body)));
        self[0] = new FakeService(vertx, server);
        server.listen(0, "127.0.0.1").await();
        return self[0];
    }

    public String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /** Answers {@code answer} to every request from now on (null: the contract's usual answers). */
    public void answer(@Nullable Answer answer) {
        this.fixed = answer;
    }

    /** The next request received, waiting up to 5 s for it. */
    public Received next() {
        try {
            Received next = received.poll(5, TimeUnit.SECONDS);
            if (next == null) {
                throw new AssertionError("The service received no request");
            }
            return next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Whether nothing arrived (forgetting what did). */
    public boolean receivedNothing() {
        boolean nothing = received.isEmpty();
        received.clear();
        return nothing;
    }

    public void forget() {
        received.clear();
    }

    private void handle(HttpServerRequest request, Buffer body) {
        Received arrived = new Received(
                request.method().name(),
                request.uri(),
                MultiMap.caseInsensitiveMultiMap().addAll(request.headers()),
                body);
        received.add(arrived);
        Answer answer = fixed != null ? fixed : usual(arrived);
        Runnable send = () -> {
            if (answer.status() == 0) {
                request.connection().close();
                return;
            }
            var response = request.response().setStatusCode(answer.status());
            answer.headers().forEach(response::putHeader);
            // Never relayed: the gateway passes on only the headers it names.
            response.putHeader("X-Internal-Detail", "must not leak");
            response.end(answer.body());
        };
        if (answer.delay().isZero()) {
            send.run();
        } else {
            vertx.setTimer(answer.delay().toMillis(), id -> send.run());
        }
    }

    private static Answer usual(Received request) {
        String path = request.uri().split("\\?", 2)[0];
        return switch (request.method() + " " + path.replaceAll("^/orders/[^/]+", "/orders/{id}")) {
            case "POST /orders" ->
                new Answer(
                        201,
                        Map.of(
                                "Content-Type",
                                "application/json",
                                "Location",
                                "/orders/" + ORDER_ID,
                                "Idempotent-Replayed",
                                "false"),
                        ORDER,
                        Duration.ZERO);
            case "GET /orders" -> Answer.json(200, "[" + ORDER + "]");
            case "GET /orders/{id}" -> Answer.json(200, ORDER);
            case "POST /orders/{id}/refund" ->
                Answer.json(200, ORDER.replace("\"PAID\",\"success\":true", "\"REFUNDED\",\"success\":false"));
            case "GET /products" -> Answer.json(200, PRODUCTS);
            case "PUT /products/cap/stock", "POST /products/cap/stock/additions", "PUT /products/cap/price" ->
                Answer.json(200, PRODUCTS.substring(1, PRODUCTS.length() - 1));
            case "GET /transactions" -> Answer.json(200, TRANSACTIONS);
            case "GET /admin/summary" -> Answer.json(200, SUMMARY);
            default -> Answer.problem(404, "not-found", Map.of());
        };
    }

    @Override
    public void close() {
        server.close().await();
    }
}
