package shop.orders.order;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import shop.defaults.Caller;
import shop.orders.catalog.Catalog;
import shop.orders.catalog.Product;
import shop.orders.payment.ChargeOutcome;
import shop.orders.payment.PaymentClient.PaymentTransaction;
import shop.orders.payment.Payments;

/**
 * Places, shows and refunds orders. Placing one is the saga: price it from the catalog, store it
 * {@code PENDING} (with its idempotency key, in one transaction), charge it with the order id as
 * the payment's idempotency key, record the outcome. An outcome that is not known yet leaves the
 * order pending for {@link PaymentRecovery}.
 */
@Service
class OrderService {

    private static final Logger log = LoggerFactory.getLogger(OrderService.class);

    /** An order, and whether it was placed by an earlier request with the same idempotency key. */
    record Placement(Order order, boolean replayed) {
    }

    private final Orders orders;
    private final IdempotencyKeys idempotencyKeys;
    private final Catalog catalog;
    private final Payments payments;
    private final PendingPaymentMethods pendingMethods;
    private final OrderProperties properties;
    private final TransactionTemplate transaction;
    private final OrderMetrics metrics;
    private final TraceContexts traces;
    private final Clock clock;

    OrderService(Orders orders, IdempotencyKeys idempotencyKeys, Catalog catalog, Payments payments,
            PendingPaymentMethods pendingMethods, OrderProperties properties, TransactionTemplate transaction,
            OrderMetrics metrics, TraceContexts traces, Clock clock) {
        this.orders = orders;
        this.idempotencyKeys = idempotencyKeys;
        this.catalog = catalog;
        this.payments = payments;
        this.pendingMethods = pendingMethods;
        this.properties = properties;
        this.transaction = transaction;
        this.metrics = metrics;
        this.traces = traces;
        this.clock = clock;
    }

    Placement place(Caller caller, PlaceOrderRequest request, @Nullable String idempotencyKey) {
        String customer = request.customer() != null ? request.customer() : caller.customer();
        if (!caller.mayActFor(customer)) {
            throw new CustomerMismatch();
        }
        String fingerprint = RequestFingerprint.of(request, customer);
        if (idempotencyKey != null) {
            var earlier = idempotencyKeys.find(caller.customer(), idempotencyKey);
            if (earlier.isPresent()) {
                return replay(earlier.get(), fingerprint, idempotencyKey);
            }
        }
        Product product = catalog.find(request.item()).orElseThrow(() -> new UnknownItem());
        checkClientExpectations(request, product);
        String paymentMethod = request.paymentMethod() != null ? request.paymentMethod()
                : properties.defaultPaymentMethod();
        if (paymentMethod == null) {
            throw new PaymentMethodMissing();
        }
        Order order = newOrder(customer, product, request);
        try {
            store(order, caller, idempotencyKey, fingerprint);
        }
        catch (DuplicateKeyException raced) {
            // A concurrent request with the same key stored its order first; answer with that one.
            return replay(idempotencyKeys.find(caller.customer(), idempotencyKey).orElseThrow(), fingerprint,
                    idempotencyKey);
        }
        Order placed = pay(order, paymentMethod);
        metrics.placed(placed);
        return new Placement(placed, false);
    }

    Order find(Caller caller, String id) {
        UUID orderId = parseId(id);
        return orders.find(orderId)
            .filter(order -> caller.mayActFor(order.customer()))
            .orElseThrow(() -> new OrderNotFound());
    }

    /** A customer sees their own orders; an admin everyone's, or one customer's. */
    List<Order> list(Caller caller, @Nullable String customer, @Nullable OrderStatus status, int page, int size) {
        String onlyFor = caller.isAdmin() ? customer : caller.customer();
        return orders.list(onlyFor, status, page, size);
    }

    /** Orders pending for longer than they should be: admins only. */
    List<Order> stuck(Caller caller, int page, int size) {
        if (!caller.isAdmin()) {
            throw new AdminOnly();
        }
        return orders.pendingSince(clock.instant().minus(properties.recovery().stuckAfter()), page, size);
    }

    Order refund(Caller caller, String id) {
        Order order = find(caller, id);
        if (order.status() != OrderStatus.PAID) {
            throw new OrderNotRefundable(order.id(), order.status());
        }
        PaymentTransaction refund = payments.refund(order.id(), order.customer());
        Order refunded = order.refunded(refund, clock.instant());
        if (!orders.update(refunded, OrderStatus.PAID)) {
            // A concurrent refund of the same order recorded it first.
            throw new OrderNotRefundable(order.id(), OrderStatus.REFUNDED);
        }
        log.info("Order {} refunded: {}", order.id(), order.amount());
        metrics.refunded();
        return refunded;
    }

    /** Tries again to pay for an order the recovery job claimed, in the trace that placed it. */
    void retryPayment(Order order) {
        String paymentMethod = order.defaultPaymentMethod() ? properties.defaultPaymentMethod()
                : pendingMethods.get(order.id());
        Order after = traces.inTrace(order.traceParent(), "order payment retry", () -> pay(order, paymentMethod));
        metrics.retried(after);
    }

    private Order pay(Order order, @Nullable String paymentMethod) {
        ChargeOutcome outcome = payments.charge(order.id(), order.customer(), order.amount(), paymentMethod);
        return switch (outcome) {
            case ChargeOutcome.Charged(PaymentTransaction charge) -> record(order.paid(charge, clock.instant()));
            case ChargeOutcome.Declined(String reason, PaymentTransaction attempt) ->
                record(order.paymentFailed(reason, attempt, clock.instant()));
            case ChargeOutcome.Unknown(String why) -> {
                log.warn("Payment of order {} not settled yet, will retry: {}", order.id(), why);
                if (paymentMethod != null && !order.defaultPaymentMethod()) {
                    pendingMethods.hold(order.id(), paymentMethod);
                }
                yield order;
            }
        };
    }

    /** Records an outcome unless another attempt recorded one first, whose outcome then stands. */
    private Order record(Order settled) {
        pendingMethods.release(settled.id());
        if (orders.update(settled, OrderStatus.PENDING)) {
            log.info("Order {} {}", settled.id(), settled.status());
            return settled;
        }
        return orders.find(settled.id()).orElseThrow();
    }

    private void store(Order order, Caller caller, @Nullable String idempotencyKey, String fingerprint) {
        transaction.executeWithoutResult(status -> {
            orders.insert(order, order.createdAt().plus(properties.recovery().firstDelay()));
            if (idempotencyKey != null) {
                idempotencyKeys.insert(caller.customer(), idempotencyKey,
                        new IdempotencyKeys.Entry(fingerprint, order.id()), order.createdAt());
            }
        });
    }

    private Placement replay(IdempotencyKeys.Entry earlier, String fingerprint, String idempotencyKey) {
        if (!earlier.fingerprint().equals(fingerprint)) {
            throw new IdempotencyKeyReused();
        }
        return new Placement(orders.find(earlier.orderId()).orElseThrow(), true);
    }

    private Order newOrder(String customer, Product product, PlaceOrderRequest request) {
        try {
            boolean usesDefault = request.paymentMethod() == null;
            return Order.place(customer, product, request.quantityOrOne(), usesDefault, clock.instant(),
                    traces.current());
        }
        catch (ArithmeticException overflow) {
            throw new TotalTooLarge();
        }
    }

    private static void checkClientExpectations(PlaceOrderRequest request, Product product) {
        if (request.price() != null && request.price().compareTo(product.price().amount()) != 0) {
            throw new PriceMismatch(product.item(), request.price(), product.price().amount());
        }
        if (request.currency() != null && !request.currency().equals(product.price().currency())) {
            throw new CurrencyMismatch(product.item(), request.currency(), product.price().currency());
        }
    }

    private static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        }
        catch (IllegalArgumentException e) {
            throw new OrderNotFound();
        }
    }
}
