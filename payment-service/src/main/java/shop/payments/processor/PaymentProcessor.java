package shop.payments.processor;

import io.vertx.core.Future;
import java.util.UUID;
import shop.defaults.Money;

/**
 * A payment processor. Charges are keyed by the order id, so a processor that supports
 * idempotency keys never moves money twice for one order, however often it is asked. Its answers
 * are futures: a real processor is a remote call, which must not hold an event loop.
 */
public interface PaymentProcessor {

    /**
     * The processor's token for a payment method (a card number or a token already): what may
     * be kept to charge it later, where the card number may not.
     */
    String tokenize(String paymentMethod);

    Future<ProcessorOutcome> charge(UUID orderId, String token, Money amount);

    /**
     * Refunds {@code amount} of an order's charge, of which {@code left} is not refunded yet; a
     * refund is keyed by its {@code refundId}.
     */
    Future<ProcessorOutcome> refund(UUID orderId, UUID refundId, Money amount, Money left);
}
