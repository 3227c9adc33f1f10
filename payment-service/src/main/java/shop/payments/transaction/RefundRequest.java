package shop.payments.transaction;

import java.util.List;
import java.util.UUID;
import shop.defaults.Problem;

/** Refund the whole charge of an order. */
record RefundRequest(UUID orderId) {

    @SuppressWarnings("ConstantValue") // JSON may leave out what the type says is there
    RefundRequest {
        if (orderId == null) {
            throw Requests.invalid(List.of(new Problem.FieldError("orderId", "must not be null")));
        }
    }
}
