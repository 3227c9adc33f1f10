package shop.payments.transaction;

/** Only order-service may charge or refund. */
class NotOrderService extends RuntimeException {

    NotOrderService(String service) {
        super("Charges and refunds are for order-service only, not " + service);
    }
}
