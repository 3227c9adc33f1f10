package shop.payments.transaction;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import shop.defaults.Problem;

/**
 * Refund {@code amount} of an order's charge (all that is left without one) as the refund
 * {@code refundId}, its idempotency key; without an id, the whole rest, once per order.
 */
record RefundRequest(
        UUID orderId, @Nullable UUID refundId, @Nullable BigDecimal amount) {

    @SuppressWarnings("ConstantValue") // JSON may leave out what the type says is there
    RefundRequest {
        List<Problem.FieldError> errors = new ArrayList<>(0);
        if (orderId == null) {
            errors.add(new Problem.FieldError("orderId", "must not be null"));
        }
        if (amount != null && amount.signum() <= 0) {
            errors.add(new Problem.FieldError("amount", "must be greater than 0"));
        } else if (amount != null && amount.stripTrailingZeros().scale() > 2) {
            errors.add(new Problem.FieldError("amount", "must have at most two decimals"));
        }
        if (!errors.isEmpty()) {
            throw Requests.invalid(errors);
        }
    }
}
