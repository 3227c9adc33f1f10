package shop.orders.order;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import shop.defaults.Caller;
import shop.orders.order.OrderProblem.AdminOnly;
import shop.orders.order.OrderProblem.OrderNotFound;
import shop.orders.payment.PaymentClient;

/** Shows orders: one, a page of them, the stuck ones and the operators' summary. */
final class OrderQueries {

    private final Orders orders;
    private final PendingOrders pendingOrders;
    private final PaymentClient payments;
    private final OrderSettings.Recovery recovery;
    private final Clock clock;

    OrderQueries(
            Orders orders,
            PendingOrders pendingOrders,
            PaymentClient payments,
            OrderSettings.Recovery recovery,
            Clock clock) {
        this.orders = orders;
        this.pendingOrders = pendingOrders;
        this.payments = payments;
        this.recovery = recovery;
        this.clock = clock;
    }

    /** The caller's order (an admin's: anyone's); {@link OrderNotFound} for any other id. */
    Future<Order> find(Caller caller, String id) {
        UUID orderId = parseId(id);
        if (orderId == null) {
            return Future.failedFuture(new OrderNotFound());
        }
        return orders.find(orderId).map(order -> {
            if (order == null || !caller.mayActFor(order.customer())) {
                throw new OrderNotFound();
            }
            return order;
        });
    }

    /** A customer sees their own orders; an admin everyone's, or one customer's. */
    Future<List<Order>> list(
            Caller caller, @Nullable String customer, @Nullable OrderStatus status, int page, int size) {
        return orders.list(caller.isAdmin() ? customer : caller.customer(), status, page, size);
    }

    /** Orders pending for longer than they should be: admins only. */
    Future<List<Order>> stuck(Caller caller, int page, int size) {
        if (!caller.isAdmin()) {
            return Future.failedFuture(new AdminOnly("list stuck orders"));
        }
        return orders.pendingSince(clock.instant().minus(recovery.stuckAfter()), page, size);
    }

    /**
     * The operators' summary: admins only. One indexed query over the last hour; the pending
     * figures are the ones {@link PendingOrders} keeps, and the breaker's state is in memory.
     */
    Future<OrderSummary> summary(Caller caller) {
        if (!caller.isAdmin()) {
            return Future.failedFuture(new AdminOnly("see the summary"));
        }
        Instant now = clock.instant();
        return orders.recentCounts(now.minus(Duration.ofHours(1)), now.minus(Duration.ofMinutes(1)))
                .map(counts -> OrderSummary.of(
                        now, counts, pendingOrders.pending(), pendingOrders.stuck(), payments.breakerState()));
    }

    private static @Nullable UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
