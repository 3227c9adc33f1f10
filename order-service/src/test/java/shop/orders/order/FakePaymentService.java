package shop.orders.order;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for payment-service in order-service's own tests, over real HTTP on a Vert.x server of
 * its own: it answers as the real one does (one transaction per order, the order id its key; a
 * claim kept when the processor is down, finished later without the payment method; an order it
 * never saw declined when no method comes) and can be made slow or unavailable. The real
 * payment-service is exercised by the system tests.
 */
final class FakePaymentService implements AutoCloseable {

    enum Mode {
        NORMAL,
        SLOW,
        /** payment-service itself is unwell: 503, nothing claimed. */
        UNAVAILABLE,
        /** payment-service claims the charge, then the processor fails for now. */
        PROCESSOR_DOWN,
        /** the processor declines every refund. */
        REFUNDS_DECLINED,
        /** payment-service finds nothing left of the charge to refund. */
        NOTHING_TO_REFUND
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final Map<String, JsonObject> charges = new ConcurrentHashMap<>();
    private final Map<String, String> claims = new ConcurrentHashMap<>();
    private final Map<String, JsonObject> refunds = new ConcurrentHashMap<>();
    final Map<String, List<String>> methodsSeen = new ConcurrentHashMap<>();
    final Map<String, List<String>> traceParentsSeen = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> requestsPerOrder = new ConcurrentHashMap<>();
    final AtomicInteger chargeRequests = new AtomicInteger();
    volatile Mode mode = Mode.NORMAL;
    volatile Duration slowness = Duration.ofSeconds(2);

    FakePaymentService() throws Exception {
        server = vertx.createHttpServer()
                .requestHandler(request -> request.body().onSuccess(body -> {
                    JsonObject json = body.toJsonObject();
                    if (request.path().equals("/charges")) {
                        charge(request, json);
                    } else if (request.path().equals("/refunds")) {
                        refund(request, json);
                    } else {
                        send(request, 404, new JsonObject().put("type", "urn:shop:problem:not-found"));
                    }
                }))
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /** The one charge (or refusal) recorded for an order, or null. */
    JsonObject chargeOf(String orderId) {
        return charges.get(orderId);
    }

    private void charge(HttpServerRequest request, JsonObject body) {
        chargeRequests.incrementAndGet();
        String orderId = body.getString("orderId");
        String method = body.getString("paymentMethod");
        requestsPerOrder.computeIfAbsent(orderId, id -> new AtomicInteger()).incrementAndGet();
        methodsSeen.computeIfAbsent(orderId, id -> new CopyOnWriteArrayList<>()).add(String.valueOf(method));
        String traceParent = request.getHeader("traceparent");
        traceParentsSeen
                .computeIfAbsent(orderId, id -> new CopyOnWriteArrayList<>())
                .add(String.valueOf(traceParent));
        switch (mode) {
            case UNAVAILABLE ->
                send(request, 503, new JsonObject().put("type", "urn:shop:problem:service-unavailable"));
            case PROCESSOR_DOWN -> {
                if (method != null) {
                    claims.putIfAbsent(orderId, method);
                }
                send(request, 503, new JsonObject().put("type", "urn:shop:problem:processor-unavailable"));
            }
            case SLOW -> vertx.setTimer(slowness.toMillis(), late -> settle(request, body, orderId, method));
            case NORMAL -> settle(request, body, orderId, method);
        }
    }

    private void settle(HttpServerRequest request, JsonObject body, String orderId, String requestMethod) {
        JsonObject earlier = charges.get(orderId);
        if (earlier != null) {
            send(request, 200, earlier);
            return;
        }
        String method = claims.getOrDefault(orderId, requestMethod);
        // As payment-service does: without a method, an order it has never seen is declined for good.
        boolean declined = method == null || method.equals("4000000000000002");
        String reason = method == null ? "payment_method_unavailable" : "card_declined";
        JsonObject transaction = transaction(
                orderId,
                "CHARGE",
                body.getValue("amount"),
                !declined,
                declined ? reason : null,
                method == null ? null : method.substring(method.length() - 4));
        JsonObject recorded = charges.putIfAbsent(orderId, transaction);
        send(request, recorded == null ? 201 : 200, recorded == null ? transaction : recorded);
    }

    private void refund(HttpServerRequest request, JsonObject body) {
        if (mode == Mode.UNAVAILABLE) {
            send(request, 503, new JsonObject().put("type", "urn:shop:problem:service-unavailable"));
            return;
        }
        if (mode == Mode.REFUNDS_DECLINED) {
            send(
                    request,
                    409,
                    new JsonObject()
                            .put("type", "urn:shop:problem:refund-declined")
                            .put("declineReason", "charge_disputed"));
            return;
        }
        if (mode == Mode.NOTHING_TO_REFUND) {
            send(request, 409, new JsonObject().put("type", "urn:shop:problem:nothing-to-refund"));
            return;
        }
        // As payment-service does: a refund is made once under its id, never more than the charge.
        String orderId = body.getString("orderId");
        String refundId = body.getString("refundId");
        JsonObject earlier = refunds.get(refundId);
        if (earlier != null) {
            send(request, 200, earlier);
            return;
        }
        BigDecimal asked = new BigDecimal(body.getValue("amount").toString());
        synchronized (refunds) {
            BigDecimal charged =
                    new BigDecimal(charges.get(orderId).getValue("amount").toString());
            BigDecimal refunded = refundsMade(UUID.fromString(orderId)).stream()
                    .map(BigDecimal::new)
                    .reduce(BigDecimal.ZERO, BigDecimal::add);
            if (refunded.add(asked).compareTo(charged) > 0) {
                send(request, 409, new JsonObject().put("type", "urn:shop:problem:refund-exceeds-charge"));
                return;
            }
            JsonObject refund = transaction(orderId, "REFUND", body.getValue("amount"), true, null, "4242")
                    .put("id", refundId);
            refunds.put(refundId, refund);
            send(request, 201, refund);
        }
    }

    /** The amounts of the refunds made of an order's charge, with two decimals ({@code "25.00"}). */
    List<String> refundsMade(UUID orderId) {
        return refunds.values().stream()
                .filter(refund -> refund.getString("orderId").equals(orderId.toString()))
                .map(refund -> new BigDecimal(refund.getValue("amount").toString())
                        .setScale(2)
                        .toPlainString())
                .toList();
    }

    private static JsonObject transaction(
            String orderId, String type, Object amount, boolean success, String declineReason, String last4) {
        return new JsonObject()
                .put("id", UUID.randomUUID().toString())
                .put("orderId", orderId)
                .put("type", type)
                .put("status", success ? "SUCCEEDED" : "DECLINED")
                .put("success", success)
                .put("amount", amount)
                .put("currency", "USD")
                .put("declineReason", declineReason)
                .put("cardBrand", last4 == null ? null : "visa")
                .put("cardLast4", last4)
                .put("createdAt", "2026-01-01T00:00:00Z");
    }

    private static void send(HttpServerRequest request, int status, JsonObject json) {
        request.response()
                .setStatusCode(status)
                .putHeader("Content-Type", status >= 400 ? "application/problem+json" : "application/json")
                .end(json.encode());
    }

    @Override
    public void close() {
        vertx.close();
    }
}
