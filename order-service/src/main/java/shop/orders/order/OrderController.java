package shop.orders.order;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import shop.defaults.Caller;
import shop.defaults.InternalAuthentication;
import shop.defaults.Problem;
import shop.defaults.QueryParameters;
import shop.defaults.StrictJson;
import shop.orders.order.OrderProblem.AdminOnly;
import shop.orders.order.OrderProblem.CurrencyMismatch;
import shop.orders.order.OrderProblem.CustomerMismatch;
import shop.orders.order.OrderProblem.IdempotencyKeyReused;
import shop.orders.order.OrderProblem.OrderNotFound;
import shop.orders.order.OrderProblem.OrderNotRefundable;
import shop.orders.order.OrderProblem.OutOfStock;
import shop.orders.order.OrderProblem.PaymentMethodMissing;
import shop.orders.order.OrderProblem.PaymentMethodNotDurable;
import shop.orders.order.OrderProblem.PaymentServiceUnavailable;
import shop.orders.order.OrderProblem.PriceMismatch;
import shop.orders.order.OrderProblem.RefundDeclined;
import shop.orders.order.OrderProblem.RefundExceedsOrder;
import shop.orders.order.OrderProblem.TooManyPendingOrders;
import shop.orders.order.OrderProblem.TotalTooLarge;
import shop.orders.order.OrderProblem.UnknownItem;

/**
 * Orders, for the caller the gateway authenticated.
 *
 * <ul>
 * <li>{@code POST /orders}: 201 once paid or failed, 202 while the payment is pending; 400 bad
 * input or unknown item, 403 another customer's name, 409 price or currency not the catalog's or
 * not enough in stock,
 * 422 idempotency key reused for another request, 503 with {@code Retry-After} when too many
 * orders are pending or the payment method cannot be kept durably.
 * <li>{@code GET /orders}: the caller's orders, newest first; {@code status} (default {@code PAID},
 * or {@code any}), {@code page}, {@code size}, and for admins {@code customer}, or {@code stuck=true}:
 * the orders pending for too long, oldest first (403 for customers).
 * <li>{@code GET /orders/{id}}: 404 unless it is the caller's.
 * <li>{@code POST /orders/{id}/refund}: all that is left, or the units of {@code lines}; 400 a bad
 * body or a line the order has not, 409 unless the order is {@code PAID} or {@code
 * PARTIALLY_REFUNDED}, more units than are left, or declined; 503 when payment-service cannot
 * confirm it now (it is kept, and made later).
 * <li>{@code GET /admin/summary}: the operators' summary ({@link OrderSummary}); 403 for customers.
 * </ul>
 */
public final class OrderController {

    private static final String JSON = "application/json";
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x20-\\x7E]{1,255}");
    private static final Pattern STATUS =
            Pattern.compile("PENDING|PAID|PAYMENT_FAILED|PARTIALLY_REFUNDED|REFUNDED|any");

    private final PlaceOrder placeOrder;
    private final OrderQueries queries;
    private final Refunds refunds;

    OrderController(PlaceOrder placeOrder, OrderQueries queries, Refunds refunds) {
        this.placeOrder = placeOrder;
        this.queries = queries;
        this.refunds = refunds;
    }

    /** {@code POST /orders}. */
    public void place(RoutingContext context) {
        StrictJson.requireJson(context);
        String key = idempotencyKey(context);
        PlaceOrderRequest request = StrictJson.read(context.body().buffer(), PlaceOrderRequest.class);
        Caller caller = InternalAuthentication.caller(context);
        placeOrder
                .place(caller, request, key)
                .onSuccess(placement -> {
                    Order order = placement.order();
                    context.response()
                            .setStatusCode(order.isPending() ? 202 : 201)
                            .putHeader(HttpHeaders.LOCATION, "/orders/" + order.id())
                            .putHeader("Idempotent-Replayed", String.valueOf(placement.replayed()))
                            .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                            .end(StrictJson.write(OrderView.of(order)));
                })
                .onFailure(context::fail);
    }

    /** {@code GET /orders}. */
    public void list(RoutingContext context) {
        Caller caller = InternalAuthentication.caller(context);
        QueryParameters query = new QueryParameters(context);
        String status = query.text("status", "PAID");
        if (!STATUS.matcher(status).matches()) {
            query.invalid(
                    "status", "must be one of PENDING, PAID, PAYMENT_FAILED, PARTIALLY_REFUNDED, REFUNDED, any", null);
        }
        String customer = context.request().getParam("customer");
        if (customer != null && (customer.isEmpty() || customer.length() > 100)) {
            query.invalid("customer", "size must be between 1 and 100", null);
        }
        int page = query.integer("page", 0, 0, 100_000);
        int size = query.integer("size", 20, 1, 100);
        boolean stuck = query.flag("stuck");
        query.check();
        Future<List<Order>> found = stuck
                ? queries.stuck(caller, page, size)
                : queries.list(caller, customer, "any".equals(status) ? null : OrderStatus.valueOf(status), page, size);
        found.onSuccess(list ->
                        json(context, 200, list.stream().map(OrderView::of).toList()))
                .onFailure(context::fail);
    }

    /** {@code GET /orders/{id}}. */
    public void get(RoutingContext context) {
        Caller caller = InternalAuthentication.caller(context);
        queries.find(caller, context.pathParam("id"))
                .onSuccess(order -> json(context, 200, OrderView.of(order)))
                .onFailure(context::fail);
    }

    /**
     * {@code POST /orders/{id}/refund}: no body refunds all that is left, {@code {"lines": [...]}}
     * those units; an {@code Idempotency-Key} names the refund.
     */
    public void refund(RoutingContext context) {
        Caller caller = InternalAuthentication.caller(context);
        String key = idempotencyKey(context);
        RefundOrderRequest request = null;
        if (context.body().length() > 0) {
            StrictJson.requireJson(context);
            request = StrictJson.read(context.body().buffer(), RefundOrderRequest.class);
        }
        refunds.refund(caller, context.pathParam("id"), request, key)
                .onSuccess(order -> json(context, 200, OrderView.of(order)))
                .onFailure(context::fail);
    }

    /** {@code GET /admin/summary}. */
    public void summary(RoutingContext context) {
        Caller caller = InternalAuthentication.caller(context);
        queries.summary(caller)
                .onSuccess(summary -> json(context, 200, summary))
                .onFailure(context::fail);
    }

    /** The HTTP problem of each order problem; null for any other failure. */
    public static @Nullable Problem problemOf(Throwable failure) {
        if (!(failure instanceof OrderProblem problem)) {
            return null;
        }
        String detail = problem.getMessage();
        return switch (problem) {
            case UnknownItem e -> Problem.of(400, "unknown-item", detail);
            case PaymentMethodMissing e ->
                Problem.invalid(detail, List.of(new Problem.FieldError("paymentMethod", "is required")));
            case TotalTooLarge e ->
                Problem.invalid(
                        detail,
                        List.of(new Problem.FieldError(
                                "quantity", "times the price is more than a payment may carry")));
            case CustomerMismatch e -> Problem.of(403, "forbidden", detail);
            case AdminOnly e -> Problem.of(403, "forbidden", detail);
            case OrderNotFound e -> Problem.of(404, "order-not-found", detail);
            case PriceMismatch e -> Problem.of(409, "price-mismatch", detail).with("catalogPrice", e.catalogPrice());
            case CurrencyMismatch e -> Problem.of(409, "currency-mismatch", detail);
            case OutOfStock e -> Problem.of(409, "out-of-stock", detail).with("lines", e.lines());
            case OrderNotRefundable e -> Problem.of(409, "order-not-refundable", detail);
            case RefundExceedsOrder e ->
                Problem.of(409, "refund-exceeds-order", detail).with("lines", e.lines());
            case RefundDeclined e -> Problem.of(409, "refund-declined", detail).with("declineReason", e.reason());
            case IdempotencyKeyReused e -> Problem.of(422, "idempotency-key-reused", detail);
            case PaymentServiceUnavailable e ->
                Problem.of(503, "payment-service-unavailable", detail).retryAfter(Duration.ofSeconds(1));
            case TooManyPendingOrders e ->
                Problem.of(503, "too-many-pending-orders", detail).retryAfter(Duration.ofSeconds(5));
            case PaymentMethodNotDurable e ->
                Problem.of(503, "payment-method-not-durable", detail).retryAfter(Duration.ofSeconds(30));
        };
    }

    /**
     * Printable ASCII, up to 255 characters, sent once, carried byte for byte: anything else is
     * refused (two keys would be one order here and maybe two behind a proxy that kept the other).
     */
    private static @Nullable String idempotencyKey(RoutingContext context) {
        List<String> keys = context.request().headers().getAll("Idempotency-Key");
        if (keys.size() > 1) {
            throw new shop.defaults.ProblemException(Problem.invalidField("Idempotency-Key", "must be sent once"));
        }
        String key = keys.isEmpty() ? null : keys.getFirst();
        if (key != null && !IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw new shop.defaults.ProblemException(
                    Problem.invalidField("Idempotency-Key", "must be 1 to 255 printable ASCII characters"));
        }
        return key;
    }

    private static void json(RoutingContext context, int status, Object body) {
        context.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                .end(StrictJson.write(body));
    }
}
