package shop.payments.transaction;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import shop.defaults.Money;
import shop.payments.processor.Card;
import shop.payments.processor.PaymentProcessor;
import shop.payments.processor.ProcessorOutcome;

/**
 * Charges and refunds orders, at most once each. The order id is the idempotency key: a charge
 * is first claimed ({@code PROCESSING}, one row per order by a unique constraint), then the
 * processor is asked, then its answer recorded. A repeated request returns what was recorded,
 * or finishes a claim left by a request that failed or a process that died.
 */
@Service
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
    record Result(Transaction transaction, boolean created) {
    }

    /**
     * Charges an order. Without a payment method only an earlier claim can be finished; an order
     * this service has never seen is then declined with {@code payment_method_unavailable}, and
     * that refusal also stops a charge request for it still on its way from being processed.
     */
    Result charge(UUID orderId, Money amount, @Nullable String paymentMethod) {
        var earlier = transactions.find(orderId, Transaction.Type.CHARGE);
        if (earlier.isPresent()) {
            return new Result(finish(checkSameAmount(earlier.get(), amount)), false);
        }
        Transaction claim = paymentMethod == null
                ? transaction(orderId, Transaction.Type.CHARGE, Transaction.Status.DECLINED, amount,
                        METHOD_UNAVAILABLE, new Card("", ""), null)
                : transaction(orderId, Transaction.Type.CHARGE, Transaction.Status.PROCESSING, amount, null,
                        Card.describe(paymentMethod), processor.tokenize(paymentMethod));
        try {
            transactions.insert(claim);
        }
        catch (DuplicateKeyException raced) {
            Transaction winner = transactions.find(orderId, Transaction.Type.CHARGE).orElseThrow();
            return new Result(finish(checkSameAmount(winner, amount)), false);
        }
        if (!claim.isProcessing()) {
            metrics.settled(claim);
        }
        return new Result(finish(claim), true);
    }

    Result refund(UUID orderId) {
        var earlier = transactions.find(orderId, Transaction.Type.REFUND);
        if (earlier.isPresent()) {
            return new Result(earlier.get(), false);
        }
        Transaction charge = transactions.find(orderId, Transaction.Type.CHARGE)
            .filter(Transaction::succeeded)
            .orElseThrow(() -> new NothingToRefund(orderId));
        if (processor.refund(orderId, charge.amount()) instanceof ProcessorOutcome.Unavailable(String reason)) {
            metrics.processorUnavailable(Transaction.Type.REFUND);
            throw new ProcessorUnavailable(reason);
        }
        Transaction refund = transaction(orderId, Transaction.Type.REFUND, Transaction.Status.SUCCEEDED,
                charge.amount(), null, new Card(charge.cardBrand(), charge.cardLast4()), null);
        try {
            transactions.insert(refund);
            log.info("REFUND of order {}: {}", orderId, refund.amount());
            metrics.settled(refund);
            return new Result(refund, true);
        }
        catch (DuplicateKeyException raced) {
            return new Result(transactions.find(orderId, Transaction.Type.REFUND).orElseThrow(), false);
        }
    }

    List<Transaction> list(@Nullable UUID orderId, int page, int size) {
        return transactions.list(orderId, page, size);
    }

    /** Asks the processor about a claimed charge and records its answer; a settled one is returned as it is. */
    private Transaction finish(Transaction charge) {
        if (!charge.isProcessing()) {
            return charge;
        }
        Transaction settled = switch (processor.charge(charge.orderId(), charge.processorToken(), charge.amount())) {
            case ProcessorOutcome.Approved() -> charge.settled(Transaction.Status.SUCCEEDED, null);
            case ProcessorOutcome.Declined(String reason) -> charge.settled(Transaction.Status.DECLINED, reason);
            case ProcessorOutcome.Unavailable(String reason) -> {
                metrics.processorUnavailable(Transaction.Type.CHARGE);
                throw new ProcessorUnavailable(reason);
            }
        };
        if (!transactions.settle(settled)) {
            // A concurrent request recorded the processor's answer first (the same answer: it is keyed by order).
            return transactions.find(charge.orderId(), Transaction.Type.CHARGE).orElseThrow();
        }
        log.info("CHARGE {} for order {}: {}", settled.status(), settled.orderId(), settled.amount());
        metrics.settled(settled);
        return settled;
    }

    private static Transaction checkSameAmount(Transaction earlier, Money requested) {
        if (!earlier.isFor(requested)) {
            throw new ChargeConflict(earlier.orderId(), earlier.amount(), requested);
        }
        return earlier;
    }

    private Transaction transaction(UUID orderId, Transaction.Type type, Transaction.Status status, Money amount,
            @Nullable String declineReason, Card card, @Nullable String processorToken) {
        return new Transaction(UUID.randomUUID(), orderId, type, status, amount, declineReason,
                card.brand().isEmpty() ? null : card.brand(), card.last4().isEmpty() ? null : card.last4(),
                processorToken, clock.instant());
    }
}
