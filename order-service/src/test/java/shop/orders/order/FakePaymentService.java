package shop.orders.order;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Stands in for payment-service in order-service's own tests, over real HTTP: it answers as the
 * real one does (one transaction per order, a decline for the test card) and can be made slow
 * or unavailable. The real payment-service is exercised by the system tests.
 */
class FakePaymentService implements AutoCloseable {

    enum Mode {
        NORMAL, SLOW, UNAVAILABLE
    }

    private static final java.util.regex.Pattern ORDER_ID = java.util.regex.Pattern
        .compile("\"orderId\"\\s*:\\s*\"([0-9a-f-]{36})\"");
    private static final java.util.regex.Pattern METHOD = java.util.regex.Pattern
        .compile("\"paymentMethod\"\\s*:\\s*\"([^\"]+)\"");
    private static final java.util.regex.Pattern AMOUNT = java.util.regex.Pattern
        .compile("\"amount\"\\s*:\\s*([0-9.]+)");

    private final HttpServer server;
    private final Map<String, String> charges = new ConcurrentHashMap<>();
    private final Map<String, String> refunds = new ConcurrentHashMap<>();
    final AtomicInteger chargeRequests = new AtomicInteger();
    volatile Mode mode = Mode.NORMAL;
    volatile Duration slowness = Duration.ofSeconds(2);

    FakePaymentService() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/charges", this::charge);
        server.createContext("/refunds", this::refund);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int chargesRecorded() {
        return charges.size();
    }

    private void charge(HttpExchange exchange) throws IOException {
        chargeRequests.incrementAndGet();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (!respondsNormally(exchange)) {
            return;
        }
        String orderId = find(ORDER_ID, body);
        String method = find(METHOD, body);
        String earlier = charges.get(orderId);
        if (earlier != null) {
            send(exchange, 200, earlier);
            return;
        }
        // As payment-service does: without a method, an order it has never seen is declined for good.
        boolean declined = method == null || method.equals("4000000000000002");
        String reason = method == null ? "payment_method_unavailable" : "card_declined";
        String transaction = transaction(orderId, "CHARGE", find(AMOUNT, body), !declined, declined ? reason : null,
                method == null ? "0000" : method.substring(method.length() - 4));
        String recorded = charges.putIfAbsent(orderId, transaction);
        send(exchange, recorded == null ? 201 : 200, recorded == null ? transaction : recorded);
    }

    private void refund(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (!respondsNormally(exchange)) {
            return;
        }
        String orderId = find(ORDER_ID, body);
        String refund = refunds.computeIfAbsent(orderId,
                id -> transaction(id, "REFUND", "1.00", true, null, "4242"));
        send(exchange, 201, refund);
    }

    private boolean respondsNormally(HttpExchange exchange) throws IOException {
        switch (mode) {
            case UNAVAILABLE -> {
                send(exchange, 503, "{\"type\":\"urn:shop:problem:service-unavailable\",\"status\":503}");
                return false;
            }
            case SLOW -> {
                try {
                    Thread.sleep(slowness);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return true;
            }
            default -> {
                return true;
            }
        }
    }

    private static String transaction(String orderId, String type, String amount, boolean success,
            String declineReason, String last4) {
        return """
                {"id":"%s","orderId":"%s","type":"%s","status":"%s","success":%s,"amount":%s,"currency":"USD",
                 "declineReason":%s,"cardBrand":"visa","cardLast4":"%s","createdAt":"2026-01-01T00:00:00Z"}
                """.formatted(UUID.randomUUID(), orderId, type, success ? "SUCCEEDED" : "DECLINED", success, amount,
                declineReason == null ? "null" : "\"" + declineReason + "\"", last4);
    }

    private static String find(java.util.regex.Pattern pattern, String body) {
        Matcher matcher = pattern.matcher(body);
        return matcher.find() ? matcher.group(1) : null;
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type",
                status >= 400 ? "application/problem+json" : "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
