package shop.orders.order;

import io.vertx.core.Future;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shop.defaults.Caller;
import shop.orders.order.OrderProblem.OrderNotRefundable;
import shop.orders.order.OrderProblem.PaymentServiceUnavailable;
import shop.orders.payment.PaymentClient;
import shop.orders.payment.RefundDeclined;

/**
 * Refunds a paid order: payment-service refunds its charge, then the order is recorded {@code
 * REFUNDED}, unless a concurrent refund recorded it first. Every refusal is a failed {@link Future}.
 */
final class Refunds {

    private static final Logger log = LoggerFactory.getLogger(Refunds.class);

    private final OrderQueries queries;
    private final Orders orders;
    private final PaymentClient payments;
    private final OrderMetrics metrics;
    private final Clock clock;

    Refunds(OrderQueries queries, Orders orders, PaymentClient payments, OrderMetrics metrics, Clock clock) {
        this.queries = queries;
        this.orders = orders;
        this.payments = payments;
        this.metrics = metrics;
        this.clock = clock;
    }

    Future<Order> refund(Caller caller, String id) {
        return queries.find(caller, id).compose(order -> {
            if (order.status() != OrderStatus.PAID) {
                throw new OrderNotRefundable(order.id(), order.status());
            }
            return payments.refund(order.id(), order.customer())
                    .recover(failed -> Future.failedFuture(
                            failed instanceof RefundDeclined declined
                                    ? new OrderProblem.RefundDeclined(order.id(), declined.reason())
                                    : new PaymentServiceUnavailable()))
                    .compose(refund -> {
                        Order refunded = order.markRefunded(refund.id(), clock.instant());
                        return orders.update(refunded, OrderStatus.PAID).map(won -> {
                            if (!won) {
                                // A concurrent refund of the same order recorded it first.
                                throw new OrderNotRefundable(order.id(), OrderStatus.REFUNDED);
                            }
                            log.info("Order {} refunded: {}", order.id(), order.amount());
                            metrics.refunded();
                            return refunded;
                        });
                    });
        });
    }
}
