package shop.payments.transaction;

import io.vertx.core.Future;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shop.defaults.Money;
import shop.payments.processor.Card;
import shop.payments.processor.PaymentProcessor;
import shop.payments.processor.ProcessorOutcome;
import shop.payments.transaction.PaymentProblem.ChargeConflict;
import shop.payments.transaction.PaymentProblem.NothingToRefund;
import shop.payments.transaction.PaymentProblem.ProcessorUnavailable;
import shop.payments.transaction.PaymentProblem.RefundDeclined;

/**
 * Charges and refunds orders, at most once each. The order id is the idempotency key: a charge
 * is first claimed ({@code PROCESSING}, one row per order by a unique constraint), then the
 * processor is asked, then its answer recorded. A repeated request returns what was recorded,
 * or finishes a claim left by a request that failed or a process that died.
 *
 * <p>A new charge costs one transaction, the claim and its settlement: the claim is tried first
 * rather than looked up first, since an order is charged for the first time far more often than
 * again, and the processor's answer is recorded before the claim's commit (see
 * {@link Transactions#claimAndSettle}).
 */
class PaymentService {

    /** Why a charge was refused when nobody could say how to pay. */
    static final String METHOD_UNAVAILABLE = "payment_method_unavailable";

    private static final Logger log = LoggerFactory.getLogger(PaymentService.class);

    private final Transactions transactions;
    private final PaymentProcessor processor;
    private final PaymentMetrics metrics;
    private final Clock clock;

    PaymentService(Transactions transactions, PaymentProcessor processor, PaymentMetrics metrics, Clock clock) {
        this.transactions = transactions;
        this.processor = processor;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** A transaction and whether this request created it (false: an earlier request did). */
    record Result(Transaction transaction, boolean created) {}

    /**
     * Charges an order. Without a payment method only an earlier claim can be finished; an order
     * this service has never seen is then declined with {@code payment_method_unavailable}, and
     * that refusal also stops a charge request for it still on its way from being processed.
     */
    Future<Result> charge(UUID orderId, Money amount, @Nullable String paymentMethod) {
        Transaction claim = paymentMethod == null
                ? transaction(
                        UUID.randomUUID(),
                        orderId,
                        Transaction.Type.CHARGE,
                        Transaction.Status.DECLINED,
                        amount,
                        METHOD_UNAVAILABLE,
                        new Card("", ""),
                        null)
                : transaction(
                        UUID.randomUUID(),
                        orderId,
                        Transaction.Type.CHARGE,
                        Transaction.Status.PROCESSING,
                        amount,
                        null,
                        Card.describe(paymentMethod),
                        processor.tokenize(paymentMethod));
        if (!claim.isProcessing()) {
            // Nothing to ask the processor: finish an earlier claim, or keep the refusal.
            return transactions.insert(claim).compose(claimed -> {
                if (!claimed) {
                    return finishEarlierCharge(orderId, amount);
                }
                metrics.settled(claim);
                return Future.succeededFuture(new Result(claim, true));
            });
        }
        return transactions.claimAndSettle(claim, this::ask).compose(settled -> {
            if (settled == null) {
                return finishEarlierCharge(orderId, amount);
            }
            recorded(settled);
            return Future.succeededFuture(new Result(settled, true));
        });
    }

    /**
     * Refunds {@code amount} of an order's charge (null: all that is left), under {@code refundId}
     * (null: the whole rest, once per order, as the version before refunds in parts asked). The
     * refund is claimed first, its amount taken from what is left of the charge in the same
     * transaction (the database refuses more than is left), then the processor is asked and its
     * answer recorded; a refund it does not make is undone, and may be asked for again. The same
     * key again answers the refund made, or finishes its claim.
     */
    Future<Result> refund(UUID orderId, @Nullable UUID refundId, @Nullable BigDecimal amount) {
        UUID key = refundId == null ? Transactions.WHOLE : refundId;
        return transactions.ofOrder(orderId).compose(recorded -> {
            Transaction earlier = recorded.refunds().get(key);
            if (earlier != null) {
                Transaction charge = Objects.requireNonNull(recorded.charge(), "a refund has its charge");
                if (amount != null && earlier.amount().amount().compareTo(amount) != 0) {
                    return Future.failedFuture(
                            new ChargeConflict(orderId, earlier.amount(), requested(amount, charge)));
                }
                // Its claim took its amount already: what was left before it is that much more.
                return finishRefund(earlier, charge, recorded.left().plus(earlier.amount()))
                        .map(refund -> new Result(refund, false));
            }
            Transaction charge = recorded.charge();
            if (charge == null || !charge.succeeded() || recorded.left().minorUnits() == 0) {
                return Future.failedFuture(new NothingToRefund(orderId));
            }
            Money asked = amount == null ? recorded.left() : requested(amount, charge);
            // A charge paid with a token has a brand but no last four: the refund shows what the charge shows.
            Card card = new Card(
                    Objects.requireNonNullElse(charge.cardBrand(), ""),
                    Objects.requireNonNullElse(charge.cardLast4(), ""));
            Transaction claim = transaction(
                    refundId == null ? UUID.randomUUID() : refundId,
                    orderId,
                    Transaction.Type.REFUND,
                    Transaction.Status.PROCESSING,
                    asked,
                    null,
                    card,
                    null);
            Money leftBefore = recorded.left();
            return transactions
                    .claimRefund(claim, key, charge.id())
                    .compose(claimed -> claimed
                            // A concurrent request under the same key claimed it first: finish that one.
                            ? finishRefund(claim, charge, leftBefore).map(refund -> new Result(refund, true))
                            : refund(orderId, refundId, amount));
        });
    }

    /** An amount asked for in the charge's currency. */
    private static Money requested(BigDecimal amount, Transaction charge) {
        return Money.of(amount, charge.amount().currency());
    }

    /**
     * Asks the processor to make a claimed refund ({@code leftBefore}: what the charge had left
     * before the claim took its amount) and records its answer: made, or undone.
     */
    private Future<Transaction> finishRefund(Transaction refund, Transaction charge, Money leftBefore) {
        if (!refund.isProcessing()) {
            return Future.succeededFuture(refund);
        }
        return processor
                .refund(refund.orderId(), refund.id(), refund.amount(), leftBefore)
                .compose(outcome -> switch (outcome) {
                    case ProcessorOutcome.Approved() -> {
                        Transaction made = refund.settled(Transaction.Status.SUCCEEDED, null);
                        yield transactions.settle(made).map(won -> {
                            if (won) {
                                log.info("REFUND of order {}: {}", made.orderId(), made.amount());
                                metrics.settled(made);
                            }
                            return made;
                        });
                    }
                    case ProcessorOutcome.Declined(String reason) -> {
                        log.warn(
                                "The processor declined to refund {} of order {}: {}",
                                refund.amount(),
                                refund.orderId(),
                                reason);
                        yield transactions
                                .dropRefundClaim(refund, charge.id())
                                .compose(dropped -> Future.failedFuture(new RefundDeclined(refund.orderId(), reason)));
                    }
                    case ProcessorOutcome.Unavailable(String reason) -> {
                        metrics.processorUnavailable(Transaction.Type.REFUND);
                        yield transactions
                                .dropRefundClaim(refund, charge.id())
                                .compose(dropped -> Future.failedFuture(new ProcessorUnavailable(reason)));
                    }
                });
    }

    Future<List<Transaction>> list(@Nullable UUID orderId, int page, int size) {
        return transactions.list(orderId, page, size);
    }

    /** The charge an earlier or concurrent request stored, if it asked for the same money. */
    private Future<Transaction> earlierCharge(UUID orderId, Money requested) {
        return transactions.ofOrder(orderId).map(recorded -> {
            Transaction earlier = recorded.charge();
            if (earlier == null) {
                throw new IllegalStateException("Order %s has a charge that cannot be found".formatted(orderId));
            }
            if (!earlier.isFor(requested)) {
                throw new ChargeConflict(orderId, earlier.amount(), requested);
            }
            return earlier;
        });
    }

    private Future<Result> finishEarlierCharge(UUID orderId, Money amount) {
        return earlierCharge(orderId, amount).compose(this::finish).map(charge -> new Result(charge, false));
    }

    /** Asks the processor about a claimed charge and records its answer; a settled one is returned as it is. */
    private Future<Transaction> finish(Transaction charge) {
        if (!charge.isProcessing()) {
            return Future.succeededFuture(charge);
        }
        return ask(charge).compose(this::settle);
    }

    /** The charge as the processor's answer settles it, or a failure when it could not answer. */
    private Future<Transaction> ask(Transaction charge) {
        String token = Objects.requireNonNull(charge.processorToken(), "a claim keeps its processor token");
        return processor.charge(charge.orderId(), token, charge.amount()).compose(outcome -> switch (outcome) {
            case ProcessorOutcome.Approved() ->
                Future.succeededFuture(charge.settled(Transaction.Status.SUCCEEDED, null));
            case ProcessorOutcome.Declined(String reason) ->
                Future.succeededFuture(charge.settled(Transaction.Status.DECLINED, reason));
            case ProcessorOutcome.Unavailable(String reason) -> {
                metrics.processorUnavailable(Transaction.Type.CHARGE);
                yield Future.failedFuture(new ProcessorUnavailable(reason));
            }
        });
    }

    private Future<Transaction> settle(Transaction settled) {
        return transactions.settle(settled).compose(won -> {
            if (!won) {
                // A concurrent request recorded the processor's answer first (the same answer: it is keyed by order).
                return transactions
                        .ofOrder(settled.orderId())
                        .map(recorded -> Objects.requireNonNull(recorded.charge()));
            }
            recorded(settled);
            return Future.succeededFuture(settled);
        });
    }

    private void recorded(Transaction settled) {
        log.info("CHARGE {} for order {}: {}", settled.status(), settled.orderId(), settled.amount());
        metrics.settled(settled);
    }

    private Transaction transaction(
            UUID id,
            UUID orderId,
            Transaction.Type type,
            Transaction.Status status,
            Money amount,
            @Nullable String declineReason,
            Card card,
            @Nullable String processorToken) {
        // Microseconds: what both databases keep, so an answer shows the same instant as a later read.
        return new Transaction(
                id,
                orderId,
                type,
                status,
                amount,
                declineReason,
                card.brand().isEmpty() ? null : card.brand(),
                card.last4().isEmpty() ? null : card.last4(),
                processorToken,
                clock.instant().truncatedTo(ChronoUnit.MICROS));
    }
}
