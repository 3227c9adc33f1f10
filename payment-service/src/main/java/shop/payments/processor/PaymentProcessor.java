package shop.payments.processor;

import java.util.UUID;

import shop.defaults.Money;

/**
 * A payment processor. Both calls are keyed by the order id, so a processor that supports
 * idempotency keys never moves money twice for one order.
 */
public interface PaymentProcessor {

    ProcessorOutcome charge(UUID orderId, String paymentMethod, Money amount);

    ProcessorOutcome refund(UUID orderId, Money amount);
}
