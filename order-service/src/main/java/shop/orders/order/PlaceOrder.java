package shop.orders.order;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shop.defaults.Caller;
import shop.orders.catalog.Catalog;
import shop.orders.catalog.Product;
import shop.orders.catalog.Stock;
import shop.orders.order.OrderProblem.CurrencyMismatch;
import shop.orders.order.OrderProblem.CustomerMismatch;
import shop.orders.order.OrderProblem.IdempotencyKeyReused;
import shop.orders.order.OrderProblem.OutOfStock;
import shop.orders.order.OrderProblem.PaymentMethodMissing;
import shop.orders.order.OrderProblem.PaymentMethodNotDurable;
import shop.orders.order.OrderProblem.PriceMismatch;
import shop.orders.order.OrderProblem.TooManyPendingOrders;
import shop.orders.order.OrderProblem.TotalTooLarge;
import shop.orders.order.OrderProblem.UnknownItem;
import shop.orders.payment.ChargeOutcome;
import shop.orders.payment.PaymentClient;
import shop.orders.payment.Transaction;

/**
 * Places an order: the saga, in the order of {@link #place}: price it from the catalog, claim its
 * idempotency key, take its units from stock and store it {@code PENDING} (with its payment method
 * sealed, in one transaction), charge it with the order id as the payment's idempotency key,
 * record the outcome (a failed payment puts the units back, in the same transaction).
 * An outcome that is not known yet leaves the order pending for {@link PaymentRecovery}, which
 * finishes it with {@link #retry}: the same {@link #charge} and {@link #record}. Every refusal is
 * a failed {@link Future}, never a throw.
 */
final class PlaceOrder {

    private static final Logger log = LoggerFactory.getLogger(PlaceOrder.class);

    /** An order, and whether it was placed by an earlier request with the same idempotency key. */
    record Placement(Order order, boolean replayed) {}

    /**
     * The order a request asks for, priced and checked, not stored yet: its payment method, and the
     * claim on its idempotency key (null without one).
     */
    private record Draft(Order order, String paymentMethod, IdempotencyKeys.@Nullable Claim key) {}

    private final Orders orders;
    private final IdempotencyKeys idempotencyKeys;
    private final Catalog catalog;
    private final Stock stock;
    private final PaymentClient payments;
    private final Optional<PaymentMethodSeal> seal;
    private final OrderSettings settings;
    private final PendingOrders pendingOrders;
    private final OrderMetrics metrics;
    private final TraceContexts traces;
    private final Clock clock;

    PlaceOrder(
            Orders orders,
            IdempotencyKeys idempotencyKeys,
            Catalog catalog,
            PaymentClient payments,
            Optional<PaymentMethodSeal> seal,
            OrderSettings settings,
            PendingOrders pendingOrders,
            OrderMetrics metrics,
            TraceContexts traces,
            Clock clock) {
        this.orders = orders;
        this.idempotencyKeys = idempotencyKeys;
        this.catalog = catalog;
        this.stock = catalog.stock();
        this.payments = payments;
        this.seal = seal;
        this.settings = settings;
        this.pendingOrders = pendingOrders;
        this.metrics = metrics;
        this.traces = traces;
        this.clock = clock;
    }

    /**
     * The saga of one order, as the client's request asks for it: the order drafted (a refusal of
     * the request fails here), stored pending with its key claimed unless too many orders are
     * pending (a key already claimed replays the earlier order), then paid for.
     */
    Future<Placement> place(Caller caller, PlaceOrderRequest request, @Nullable String idempotencyKey) {
        return Future.succeededFuture(request)
                .map(asked -> draft(caller, asked, idempotencyKey))
                .compose(draft -> pendingOrders.full()
                        ? replay(draft.key(), new TooManyPendingOrders())
                        : storePending(draft).compose(stored -> stored ? pay(draft) : replay(draft.key(), null)));
    }

    /**
     * Tries again to pay for an order the recovery job claimed, in the trace that placed it; the
     * call to payment-service is abandoned at {@code endBy}, before the claim runs out.
     */
    Future<Order> retry(Orders.Claimed claimed, Instant endBy) {
        Order order = claimed.order();
        return traces.inTrace(
                        order.traceParent(),
                        "order payment retry",
                        () -> charge(order, paymentMethodForRetry(claimed), endBy)
                                .compose(outcome -> record(order, outcome)))
                .andThen(done -> {
                    if (done.succeeded()) {
                        metrics.retried(done.result());
                    }
                });
    }

    /** The order the request asks for, priced from the catalog; throws the request's refusal. */
    private Draft draft(Caller caller, PlaceOrderRequest request, @Nullable String idempotencyKey) {
        String customer = customerOf(caller, request);
        List<OrderLine> lines = price(request);
        String paymentMethod = paymentMethodOf(request);
        Order order = newOrder(customer, lines, request);
        var key = idempotencyKey == null
                ? null
                : new IdempotencyKeys.Claim(
                        caller.customer(), idempotencyKey, RequestFingerprint.of(request, customer));
        return new Draft(order, paymentMethod, key);
    }

    private static String customerOf(Caller caller, PlaceOrderRequest request) {
        String customer = request.customer() != null ? request.customer() : caller.customer();
        if (!caller.mayActFor(customer)) {
            throw new CustomerMismatch();
        }
        return customer;
    }

    /**
     * Each line at the catalog's price, the price charged; a client that expects another, on any
     * line, is refused, as is a currency other than the catalog's.
     */
    private List<OrderLine> price(PlaceOrderRequest request) {
        List<PlaceOrderRequest.Line> asked = request.linesAsked();
        List<OrderLine> lines = new ArrayList<>(asked.size());
        for (int i = 0; i < asked.size(); i++) {
            PlaceOrderRequest.Line line = asked.get(i);
            String field = request.lines() == null ? "item" : "lines." + i + ".item";
            Product product = catalog.find(line.item()).orElseThrow(() -> new UnknownItem(field));
            if (line.price() != null && line.price().compareTo(product.price().amount()) != 0) {
                throw new PriceMismatch(product.item(), product.price().amount());
            }
            if (request.currency() != null
                    && !request.currency().equals(product.price().currency())) {
                throw new CurrencyMismatch(product.item(), product.price().currency());
            }
            lines.add(OrderLine.of(product, line.quantity()));
        }
        return lines;
    }

    /** The customer's payment method, which must be kept durably, or the configured default. */
    private String paymentMethodOf(PlaceOrderRequest request) {
        if (request.paymentMethod() != null) {
            if (seal.isEmpty()) {
                throw new PaymentMethodNotDurable();
            }
            return request.paymentMethod();
        }
        if (settings.defaultPaymentMethod() == null) {
            throw new PaymentMethodMissing();
        }
        return settings.defaultPaymentMethod();
    }

    private Order newOrder(String customer, List<OrderLine> lines, PlaceOrderRequest request) {
        try {
            return Order.place(customer, lines, request.paymentMethod() == null, clock.instant(), traces.current());
        } catch (ArithmeticException overflow) {
            throw new TotalTooLarge();
        }
    }

    /**
     * The order, {@code PENDING}, with its payment method sealed (a default one is configuration,
     * not kept), its idempotency key claimed and its units taken from stock, in one transaction;
     * false if the key was taken, {@link OutOfStock} if the units are not there. The recovery job
     * may take it up from {@link #firstRetryAt}.
     */
    private Future<Boolean> storePending(Draft draft) {
        Order order = draft.order();
        String sealed =
                order.defaultPaymentMethod() ? null : seal.orElseThrow().seal(order.id(), draft.paymentMethod());
        return orders.storePending(order, firstRetryAt(order), sealed, draft.key())
                .recover(failure -> Orders.isOutOfStock(failure)
                        ? stock.available().compose(available -> Future.failedFuture(outOfStock(order, available)))
                        : Future.failedFuture(failure))
                .andThen(stored -> {
                    if (stored.succeeded() && stored.result()) {
                        pendingOrders.added();
                    }
                });
    }

    /**
     * The lines that ask for more than is available now. Should stock have been added since the
     * order was refused, and every line fit now, each is named: the order could not be filled.
     */
    private static OutOfStock outOfStock(Order order, Map<String, Long> available) {
        List<OrderProblem.ShortLine> lines = new ArrayList<>();
        List<OrderProblem.ShortLine> every = new ArrayList<>();
        for (OrderLine line : order.lines()) {
            var asked =
                    new OrderProblem.ShortLine(line.item(), line.quantity(), available.getOrDefault(line.item(), 0L));
            every.add(asked);
            if (asked.quantity() > asked.available()) {
                lines.add(asked);
            }
        }
        return new OutOfStock(lines.isEmpty() ? every : lines);
    }

    /**
     * The request's own attempt at the payment, of an order stored pending: its outcome recorded,
     * or the order left to the recovery job.
     */
    private Future<Placement> pay(Draft draft) {
        Order order = draft.order();
        return charge(order, draft.paymentMethod(), endOfAttemptBefore(firstRetryAt(order)))
                .compose(outcome -> record(order, outcome))
                .recover(failure -> leftPending(order, failure))
                .map(placed -> new Placement(placed, false))
                .andThen(placed -> {
                    if (placed.succeeded()) {
                        metrics.placed(placed.result().order());
                    }
                });
    }

    /** When the recovery job may take the order up, unless the request's attempt has settled it. */
    private Instant firstRetryAt(Order order) {
        return order.createdAt().plus(settings.recovery().firstDelay());
    }

    /**
     * The request's own attempt ends the shortest backoff before the recovery job may take the
     * order up, as each of the job's attempts ends at least that long before its order is due
     * again: the two never drive one order at once, and an outcome has time to be recorded,
     * whatever {@code SHOP_ORDERS_RECOVERY_FIRST_DELAY} and the payment deadline are set to (a
     * first delay too short for a call leaves the order to the job: 202).
     */
    private Instant endOfAttemptBefore(Instant firstRetryAt) {
        return firstRetryAt.minus(settings.recovery().backoff().shortest());
    }

    /**
     * Asks payment-service to charge the order, giving up at {@code endBy} at the latest; never
     * fails, an outcome not known yet is one too.
     */
    private Future<ChargeOutcome> charge(Order order, @Nullable String paymentMethod, Instant endBy) {
        return payments.charge(
                order.id(), order.customer(), order.amount(), paymentMethod, Duration.between(clock.instant(), endBy));
    }

    /**
     * Records a known outcome, unless another attempt recorded one first, whose outcome then
     * stands. An unknown one leaves the order pending; once payment-service has answered about the
     * charge it holds the method itself, and the order's sealed copy is erased.
     */
    private Future<Order> record(Order order, ChargeOutcome outcome) {
        return switch (outcome) {
            case ChargeOutcome.Charged(Transaction charge) ->
                settle(order.markPaid(
                        Payment.charged(charge.id(), charge.cardBrand(), charge.cardLast4()), clock.instant()));
            case ChargeOutcome.Declined(String reason, Transaction attempt) ->
                settle(order.markFailed(
                        Payment.refused(reason, attempt.id(), attempt.cardBrand(), attempt.cardLast4()),
                        clock.instant()));
            case ChargeOutcome.Unknown(String why, boolean claimed) -> {
                log.warn("Payment of order {} not settled yet, will retry: {}", order.id(), why);
                yield claimed && !order.defaultPaymentMethod()
                        ? orders.forgetPaymentMethod(order.id()).map(order)
                        : Future.succeededFuture(order);
            }
        };
    }

    /**
     * The order is stored, but its outcome could not be recorded (the database stopped answering):
     * it stays pending, and the recovery job finishes it with the same idempotent charge. The client
     * is told so (202), since the order exists.
     */
    private static Future<Order> leftPending(Order order, Throwable failure) {
        log.warn(
                "Order {} stored, its payment not recorded ({}): left to the recovery job",
                order.id(),
                failure.toString());
        return Future.succeededFuture(order);
    }

    private Future<Order> settle(Order settled) {
        return orders.update(settled, OrderStatus.PENDING).compose(won -> {
            if (won) {
                pendingOrders.settled();
                log.info("Order {} {}", settled.id(), settled.status());
                return Future.succeededFuture(settled);
            }
            return orders.find(settled.id()).map(recorded -> recorded != null ? recorded : settled);
        });
    }

    private Future<Placement> replay(IdempotencyKeys.@Nullable Claim key, @Nullable OrderProblem otherwise) {
        if (key == null) {
            return Future.failedFuture(otherwise);
        }
        return idempotencyKeys.find(key.caller(), key.key()).compose(earlier -> {
            if (earlier == null) {
                return Future.failedFuture(
                        otherwise != null
                                ? otherwise
                                : new IllegalStateException("An idempotency key was taken, then gone"));
            }
            if (!earlier.fingerprint().equals(key.fingerprint())) {
                return Future.failedFuture(new IdempotencyKeyReused());
            }
            return orders.find(earlier.orderId()).map(order -> new Placement(order, true));
        });
    }

    /**
     * The default payment method, or the order's own, unsealed; none when it is not kept (anymore):
     * payment-service then finishes the charge it holds, or declines one it never saw.
     */
    private @Nullable String paymentMethodForRetry(Orders.Claimed claimed) {
        Order order = claimed.order();
        if (order.defaultPaymentMethod()) {
            return settings.defaultPaymentMethod();
        }
        if (claimed.paymentMethodSealed() == null || seal.isEmpty()) {
            return null;
        }
        try {
            return seal.get().open(order.id(), claimed.paymentMethodSealed());
        } catch (IllegalArgumentException wrongKey) {
            log.error(
                    "The payment method of order {} does not open with SHOP_PAYMENT_METHOD_KEY; retrying without it",
                    order.id());
            return null;
        }
    }
}
