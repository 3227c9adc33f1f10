package shop.orders.order;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-drives every {@code PENDING} order until its payment has an outcome, and every requested
 * refund until payment-service has made it or its processor refused it: after a timeout, a
 * transient processor error, payment-service being down, or this process being killed
 * mid-order. Orders are claimed in batches with row locks ({@code SKIP LOCKED}) that push their
 * next attempt back in the same transaction, so any number of replicas can run it. The push-back
 * outlasts the attempt: each retry's call to payment-service is abandoned at {@code attemptLimit}
 * after the claim, and the order is due again only a backoff later, so no order is ever retried
 * (here or by another replica) while an attempt at it may still be in flight. A retry reuses the
 * order id as the payment's idempotency key: payment-service's unique constraint is the last guard.
 *
 * <p>A backlog drains at about the rate orders come in: the orders of a batch are retried side by
 * side, and while claims come back full the next batch is claimed at once, with at most
 * {@code concurrency} retries in flight; only a short batch waits for the next tick.
 */
final class PaymentRecovery {

    private static final Logger log = LoggerFactory.getLogger(PaymentRecovery.class);

    private final Vertx vertx;
    private final Orders orders;
    private final PlaceOrder placeOrder;
    private final OrderRefunds orderRefunds;
    private final Refunds refunds;
    private final OrderSettings.Recovery settings;
    private final Clock clock;
    private final Backoff backoff;
    private final Duration attemptLimit;
    private long timer = -1;
    private boolean draining;
    private int inFlight;
    private Future<Void> lastDrain = Future.succeededFuture();

    /** @param attemptLimit the longest one call to payment-service may take ({@code PaymentClient#attemptLimit}) */
    PaymentRecovery(
            Vertx vertx,
            Orders orders,
            PlaceOrder placeOrder,
            OrderRefunds orderRefunds,
            Refunds refunds,
            OrderSettings.Recovery settings,
            Duration attemptLimit,
            Clock clock) {
        this.vertx = vertx;
        this.orders = orders;
        this.placeOrder = placeOrder;
        this.orderRefunds = orderRefunds;
        this.refunds = refunds;
        this.settings = settings;
        this.clock = clock;
        this.backoff = settings.backoff();
        this.attemptLimit = attemptLimit;
    }

    /** Looks for due orders every interval, on one context: its state needs no locks. */
    void start() {
        vertx.runOnContext(
                started -> timer = vertx.setPeriodic(settings.interval().toMillis(), tick -> drain()));
    }

    /** Stops claiming; the retries in flight finish (each within the payment deadline). */
    Future<Void> stop() {
        vertx.cancelTimer(timer);
        return lastDrain;
    }

    private void drain() {
        if (draining) {
            return;
        }
        draining = true;
        lastDrain = claimAndRetry()
                .recover(failure -> {
                    log.warn("The recovery job could not claim pending orders: {}", failure.toString());
                    return Future.succeededFuture();
                })
                .compose(orders -> finishDueRefunds())
                .recover(failure -> {
                    log.warn("The recovery job could not claim requested refunds: {}", failure.toString());
                    return Future.succeededFuture();
                })
                .andThen(done -> draining = false);
    }

    /** One batch of requested refunds whose attempt is due, side by side; one that fails is due again later. */
    private Future<Void> finishDueRefunds() {
        return orderRefunds
                .claimDue(clock.instant(), settings.batchSize(), attemptLimit, backoff)
                .compose(batch -> Future.join(batch.stream()
                                .map(refund -> refunds.finish(refund)
                                        .onFailure(failure -> log.warn(
                                                "Finishing refund {} of order {} failed; it stays requested: {}",
                                                refund.id(),
                                                refund.orderId(),
                                                failure.toString())))
                                .toList())
                        .<Void>mapEmpty()
                        .recover(someFailed -> Future.succeededFuture()));
    }

    /** One batch; the next at once while batches come back full and there is room in flight. */
    private Future<Void> claimAndRetry() {
        Instant now = clock.instant();
        Instant attemptsEndBy = now.plus(attemptLimit);
        return orders.claimDue(now, settings.batchSize(), attemptLimit, backoff).compose(batch -> {
            Future<Void> retried = retryEach(batch, attemptsEndBy);
            if (batch.size() < settings.batchSize()) {
                return retried;
            }
            return inFlight + settings.batchSize() <= settings.concurrency()
                    ? Future.all(retried, claimAndRetry()).mapEmpty()
                    : retried.compose(done -> claimAndRetry());
        });
    }

    /** Retries the orders of a batch side by side; one that fails stays pending for its next attempt. */
    private Future<Void> retryEach(List<Orders.Claimed> batch, Instant endBy) {
        inFlight += batch.size();
        return Future.join(batch.stream()
                        .map(claimed -> placeOrder
                                .retry(claimed, endBy)
                                .onFailure(failure -> log.warn(
                                        "Retrying the payment of order {} failed; it stays pending: {}",
                                        claimed.order().id(),
                                        failure.toString()))
                                .andThen(done -> inFlight--))
                        .toList())
                .<Void>mapEmpty()
                .recover(someFailed -> Future.succeededFuture());
    }
}
