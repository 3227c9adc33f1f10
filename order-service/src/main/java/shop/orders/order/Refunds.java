package shop.orders.order;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shop.defaults.Caller;
import shop.defaults.Database;
import shop.defaults.Problem;
import shop.defaults.ProblemException;
import shop.orders.order.OrderProblem.IdempotencyKeyReused;
import shop.orders.order.OrderProblem.OrderNotRefundable;
import shop.orders.order.OrderProblem.PaymentServiceUnavailable;
import shop.orders.order.OrderProblem.RefundExceedsOrder;
import shop.orders.order.OrderProblem.ShortLine;
import shop.orders.payment.PaymentClient;
import shop.orders.payment.RefundDeclined;

/**
 * Refunds units of a paid order, at the unit prices it was placed at: the refund is requested
 * (its units held under the order's lock, {@link OrderRefunds#request}), payment-service makes it
 * under the refund's id (its idempotency key there), and it is recorded on the order with its
 * units back in stock. A refund the processor declines is dropped; one payment-service cannot
 * confirm now stays requested, and the recovery job (or the same request again, with its
 * Idempotency-Key) finishes it. Every refusal is a failed {@link Future}.
 */
final class Refunds {

    private static final Logger log = LoggerFactory.getLogger(Refunds.class);

    private final OrderQueries queries;
    private final Orders orders;
    private final OrderRefunds refunds;
    private final PaymentClient payments;
    private final OrderMetrics metrics;
    private final OrderSettings.Recovery recovery;
    private final Clock clock;

    Refunds(
            OrderQueries queries,
            Orders orders,
            OrderRefunds refunds,
            PaymentClient payments,
            OrderMetrics metrics,
            OrderSettings.Recovery recovery,
            Clock clock) {
        this.queries = queries;
        this.orders = orders;
        this.refunds = refunds;
        this.payments = payments;
        this.metrics = metrics;
        this.recovery = recovery;
        this.clock = clock;
    }

    /**
     * Refunds the units {@code request} names (null: all that is left) of the caller's order;
     * with an {@code idempotencyKey}, the same request again answers the refund it made (or
     * finishes it), and another request under the key is refused.
     */
    Future<Order> refund(
            Caller caller, String id, @Nullable RefundOrderRequest request, @Nullable String idempotencyKey) {
        return queries.find(caller, id).compose(order -> {
            if (idempotencyKey == null) {
                return request(order, request, caller, null);
            }
            return refunds.byKey(caller.customer(), idempotencyKey)
                    .compose(earlier -> earlier != null
                            ? replay(order, request, earlier)
                            : request(order, request, caller, idempotencyKey)
                                    // A concurrent request under the same key stored its refund first.
                                    .recover(failure -> Database.isUniqueViolation(failure)
                                            ? refunds.byKey(caller.customer(), idempotencyKey)
                                                    .compose(first ->
                                                            replay(order, request, Objects.requireNonNull(first)))
                                            : Future.failedFuture(failure)));
        });
    }

    /** Finishes a refund the recovery job claimed; one that stays unconfirmed is tried again later. */
    Future<Order> finish(OrderRefunds.Refund refund) {
        return orders.find(refund.orderId())
                .compose(order -> make(
                        refund,
                        Objects.requireNonNull(order, "a refund has its order").customer()));
    }

    private Future<Order> request(
            Order order, @Nullable RefundOrderRequest request, Caller caller, @Nullable String key) {
        Instant now = clock.instant();
        return refunds.request(
                        order.id(),
                        (locked, left) -> choose(locked, left, request),
                        key == null ? null : caller.customer(),
                        key,
                        now,
                        now.plus(recovery.firstDelay()))
                .compose(refund -> make(refund, order.customer()));
    }

    /** The same key again: the refund it asked for, finished if it is not yet; another request is refused. */
    private Future<Order> replay(Order order, @Nullable RefundOrderRequest request, OrderRefunds.Refund earlier) {
        if (!earlier.orderId().equals(order.id()) || !sameUnits(earlier, request)) {
            return Future.failedFuture(new IdempotencyKeyReused());
        }
        return earlier.made() ? orders.find(order.id()).map(Objects::requireNonNull) : make(earlier, order.customer());
    }

    /** Asks payment-service to make the refund, then records what it answered. */
    private Future<Order> make(OrderRefunds.Refund refund, String customer) {
        return payments.refund(refund.orderId(), customer, refund.id(), refund.amount())
                .transform(done -> {
                    if (done.succeeded()) {
                        return refunds.recordMade(refund, done.result().id(), clock.instant())
                                .andThen(recorded -> {
                                    if (recorded.succeeded()) {
                                        log.info(
                                                "Order {} refunded {} of its units: {}",
                                                refund.orderId(),
                                                refund.amount(),
                                                OrderLine.toColumn(refund.lines()));
                                        metrics.refunded();
                                    }
                                });
                    }
                    if (done.cause() instanceof RefundDeclined declined) {
                        return refunds.drop(refund)
                                .compose(dropped -> Future.failedFuture(
                                        new OrderProblem.RefundDeclined(refund.orderId(), declined.reason())));
                    }
                    return Future.failedFuture(new PaymentServiceUnavailable());
                });
    }

    /**
     * The lines a request refunds, of those {@code left} (per item, units no refund has taken or
     * holds), at the order's unit prices: every unit left without a request.
     */
    private static List<OrderLine> choose(
            Order order, Map<String, Integer> left, @Nullable RefundOrderRequest request) {
        if (!order.status().charged() || order.status() == OrderStatus.REFUNDED) {
            throw new OrderNotRefundable(order.id(), order.status());
        }
        List<OrderLine> lines = new ArrayList<>();
        List<ShortLine> tooMany = new ArrayList<>();
        if (request == null) {
            for (OrderLine line : order.lines()) {
                int units = left.getOrDefault(line.item(), 0);
                if (units > 0) {
                    lines.add(new OrderLine(line.item(), units, line.unitPrice()));
                }
            }
            if (lines.isEmpty()) {
                throw new RefundExceedsOrder(
                        order.id(),
                        order.lines().stream()
                                .map(line -> new ShortLine(line.item(), line.quantity(), 0))
                                .toList());
            }
            return lines;
        }
        for (int i = 0; i < request.lines().size(); i++) {
            RefundOrderRequest.Line asked = request.lines().get(i);
            OrderLine line = order.lines().stream()
                    .filter(ordered -> ordered.item().equals(asked.item()))
                    .findFirst()
                    .orElse(null);
            if (line == null) {
                throw new ProblemException(Problem.invalidField("lines." + i + ".item", "names no line of this order"));
            }
            int units = left.getOrDefault(line.item(), 0);
            if (asked.quantity() > units) {
                tooMany.add(new ShortLine(line.item(), asked.quantity(), units));
            }
            lines.add(new OrderLine(line.item(), asked.quantity(), line.unitPrice()));
        }
        if (!tooMany.isEmpty()) {
            throw new RefundExceedsOrder(order.id(), tooMany);
        }
        return lines;
    }

    /** Whether a request asks for the units an earlier refund under the same key was for. */
    private static boolean sameUnits(OrderRefunds.Refund earlier, @Nullable RefundOrderRequest request) {
        if (request == null) {
            // All that was left then: whatever units that came to.
            return true;
        }
        Map<String, Integer> asked = new HashMap<>();
        request.lines().forEach(line -> asked.put(line.item(), line.quantity()));
        Map<String, Integer> refunded = new HashMap<>();
        earlier.lines().forEach(line -> refunded.put(line.item(), line.quantity()));
        return asked.equals(refunded);
    }
}
