package shop.payments.transaction;

import java.util.UUID;

/** A charge for an order this service has never seen came without a payment method. */
class PaymentMethodRequired extends RuntimeException {

    PaymentMethodRequired(UUID orderId) {
        super("Order %s has no charge yet and the request names no payment method".formatted(orderId));
    }
}
