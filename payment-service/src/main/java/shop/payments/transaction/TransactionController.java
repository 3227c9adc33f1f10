package shop.payments.transaction;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import shop.defaults.Caller;
import shop.defaults.InternalAuthentication;
import shop.defaults.InternalCall;
import shop.defaults.Problem;
import shop.defaults.QueryParameters;
import shop.defaults.StrictJson;
import shop.payments.processor.PaymentProcessor;
import shop.payments.transaction.PaymentProblem.AdminOnly;
import shop.payments.transaction.PaymentProblem.ChargeConflict;
import shop.payments.transaction.PaymentProblem.NotOrderService;
import shop.payments.transaction.PaymentProblem.NothingToRefund;
import shop.payments.transaction.PaymentProblem.ProcessorUnavailable;
import shop.payments.transaction.PaymentProblem.RefundDeclined;
import shop.payments.transaction.PaymentProblem.RefundExceedsCharge;

/**
 * Charges and refunds, for order-service only (403 for any other caller), and the list of
 * transactions for admins. A request that creates a transaction answers 201; a repeated one
 * answers 200 with the first. Who may call is checked before the body is read.
 */
public final class TransactionController {

    private static final String ORDER_SERVICE = "order-service";
    private static final String JSON = "application/json";

    private final PaymentService payments;

    private TransactionController(PaymentService payments) {
        this.payments = payments;
    }

    /** The transactions feature on a pool (shared by every event loop) and a processor. */
    public static TransactionController create(
            Pool pool, PaymentProcessor processor, MeterRegistry registry, Clock clock) {
        return new TransactionController(
                new PaymentService(new Transactions(pool), processor, new PaymentMetrics(registry), clock));
    }

    /** {@code POST /charges}: 201 new, 200 repeated, 400, 403, 409 {@code charge-conflict}, 503 processor. */
    public void charge(RoutingContext context) {
        requireOrderService(context);
        StrictJson.requireJson(context);
        ChargeRequest request = StrictJson.read(context.body().buffer(), ChargeRequest.class);
        payments.charge(request.orderId(), request.money(), request.paymentMethod())
                .onSuccess(result -> answer(context, result))
                .onFailure(context::fail);
    }

    /**
     * {@code POST /refunds}: 201 new, 200 repeated, 400, 403, 409 {@code nothing-to-refund},
     * {@code refund-exceeds-charge}, {@code charge-conflict} (the same refund id for another
     * amount) or {@code refund-declined}, 503 processor.
     */
    public void refund(RoutingContext context) {
        requireOrderService(context);
        StrictJson.requireJson(context);
        RefundRequest request = StrictJson.read(context.body().buffer(), RefundRequest.class);
        payments.refund(request.orderId(), request.refundId(), request.amount())
                .onSuccess(result -> answer(context, result))
                .onFailure(context::fail);
    }

    /** {@code GET /transactions?orderId&page&size}: admins only (403), newest first; 400 names a bad parameter. */
    public void list(RoutingContext context) {
        Caller caller = InternalAuthentication.caller(context);
        if (!caller.isAdmin()) {
            throw new AdminOnly();
        }
        QueryParameters query = new QueryParameters(context);
        UUID orderId = query.uuid("orderId");
        int page = query.integer("page", 0, 0, 100_000);
        int size = query.integer("size", 50, 1, 500);
        query.check();
        payments.list(orderId, page, size)
                .onSuccess(transactions -> context.response()
                        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                        .end(StrictJson.write(
                                transactions.stream().map(TransactionView::of).toList())))
                .onFailure(context::fail);
    }

    /** The HTTP problem of each payment problem; null for any other failure. */
    public static @Nullable Problem problemOf(Throwable failure) {
        if (!(failure instanceof PaymentProblem problem)) {
            return null;
        }
        return switch (problem) {
            case ChargeConflict e -> Problem.of(409, "charge-conflict", e.getMessage());
            case NothingToRefund e -> Problem.of(409, "nothing-to-refund", e.getMessage());
            case RefundExceedsCharge e -> Problem.of(409, "refund-exceeds-charge", e.getMessage());
            case RefundDeclined e ->
                Problem.of(409, "refund-declined", e.getMessage()).with("declineReason", e.reason());
            case NotOrderService e -> Problem.of(403, "forbidden", e.getMessage());
            case AdminOnly e -> Problem.of(403, "forbidden", e.getMessage());
            // The processor's failure is temporary: say when to come back.
            case ProcessorUnavailable e ->
                Problem.of(503, "processor-unavailable", e.getMessage()).retryAfter(Duration.ofSeconds(1));
        };
    }

    /** Money moves at order-service's request only, whoever else holds a valid token. */
    private static void requireOrderService(RoutingContext context) {
        InternalCall call = InternalAuthentication.call(context);
        if (!ORDER_SERVICE.equals(call.service())) {
            throw new NotOrderService(call.service());
        }
    }

    private static void answer(RoutingContext context, PaymentService.Result result) {
        context.response()
                .setStatusCode(result.created() ? 201 : 200)
                .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                .end(StrictJson.write(TransactionView.of(result.transaction())));
    }
}
