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
 * Charges and refunds orders. The order id is the idempotency key: a repeated request returns
 * the transaction recorded the first time, and the database's unique constraint settles races.
 */
@Service
class PaymentService {

    private static final Logger log = LoggerFactory.getLogger(PaymentService.class);

    private final Transactions transactions;
    private final PaymentProcessor processor;
    private final Clock clock;

    PaymentService(Transactions transactions, PaymentProcessor processor, Clock clock) {
        this.transactions = transactions;
        this.processor = processor;
        this.clock = clock;
    }

    /** A transaction and whether this request created it (false: an earlier request did). */
    record Result(Transaction transaction, boolean created) {
    }

    Result charge(UUID orderId, Money amount, @Nullable String paymentMethod) {
        var earlier = transactions.find(orderId, Transaction.Type.CHARGE);
        if (earlier.isPresent()) {
            return replay(earlier.get(), amount);
        }
        if (paymentMethod == null) {
            throw new PaymentMethodRequired(orderId);
        }
        Card card = Card.describe(paymentMethod);
        ProcessorOutcome outcome = processor.charge(orderId, paymentMethod, amount);
        Transaction charge = switch (outcome) {
            case ProcessorOutcome.Approved() -> transaction(orderId, Transaction.Type.CHARGE,
                    Transaction.Status.SUCCEEDED, amount, null, card);
            case ProcessorOutcome.Declined(String reason) -> transaction(orderId, Transaction.Type.CHARGE,
                    Transaction.Status.DECLINED, amount, reason, card);
            case ProcessorOutcome.Unavailable(String reason) -> throw new ProcessorUnavailable(reason);
        };
        return record(charge, amount);
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
            throw new ProcessorUnavailable(reason);
        }
        Transaction refund = transaction(orderId, Transaction.Type.REFUND, Transaction.Status.SUCCEEDED,
                charge.amount(), null, new Card(charge.cardBrand(), charge.cardLast4()));
        return record(refund, charge.amount());
    }

    List<Transaction> list(@Nullable UUID orderId, int page, int size) {
        return transactions.list(orderId, page, size);
    }

    private Result record(Transaction transaction, Money amount) {
        try {
            transactions.insert(transaction);
            log.info("{} {} for order {}: {}", transaction.type(), transaction.status(), transaction.orderId(),
                    transaction.amount());
            return new Result(transaction, true);
        }
        catch (DuplicateKeyException raced) {
            // A concurrent request for the same order won; its transaction is the answer.
            return replay(transactions.find(transaction.orderId(), transaction.type()).orElseThrow(), amount);
        }
    }

    private static Result replay(Transaction earlier, Money requested) {
        if (!earlier.isFor(requested)) {
            throw new ChargeConflict(earlier.orderId(), earlier.amount(), requested);
        }
        return new Result(earlier, false);
    }

    private Transaction transaction(UUID orderId, Transaction.Type type, Transaction.Status status, Money amount,
            @Nullable String declineReason, Card card) {
        return new Transaction(UUID.randomUUID(), orderId, type, status, amount, declineReason, card.brand(),
                card.last4(), clock.instant());
    }
}
