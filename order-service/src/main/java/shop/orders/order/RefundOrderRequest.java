package shop.orders.order;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import shop.defaults.Problem;
import shop.defaults.ProblemException;

/**
 * The body of {@code POST /orders/{id}/refund} when it has one: the units to refund, 1 to 50 lines
 * of {@code {item, quantity}}, an item at most once. Without a body, all that is left is refunded.
 * Every invalid field is named at once (400, {@code lines.0.quantity}).
 */
record RefundOrderRequest(List<RefundOrderRequest.Line> lines) {

    /** Units of one of the order's lines. */
    record Line(String item, Integer quantity) {}

    @SuppressWarnings("ConstantValue") // JSON may leave out what the type says is there
    RefundOrderRequest {
        List<Problem.FieldError> errors = new ArrayList<>(0);
        if (lines == null) {
            errors.add(new Problem.FieldError("lines", "is required (send no body to refund all that is left)"));
        } else if (lines.isEmpty() || lines.size() > PlaceOrderRequest.MAX_LINES) {
            errors.add(new Problem.FieldError("lines", "size must be between 1 and " + PlaceOrderRequest.MAX_LINES));
        } else {
            Set<String> items = new HashSet<>();
            for (int i = 0; i < lines.size(); i++) {
                Line line = lines.get(i);
                String at = "lines." + i + ".";
                if (line == null) {
                    errors.add(new Problem.FieldError("lines." + i, "must be a line (item, quantity)"));
                    continue;
                }
                PlaceOrderRequest.checkItem(at + "item", line.item(), errors);
                if (line.quantity() == null) {
                    errors.add(new Problem.FieldError(at + "quantity", "is required"));
                }
                PlaceOrderRequest.checkQuantity(at + "quantity", line.quantity(), errors);
                if (line.item() != null && !items.add(line.item())) {
                    errors.add(new Problem.FieldError(at + "item", "is on an earlier line: an item at most once"));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.invalid("The request body is not valid", errors));
        }
        lines = List.copyOf(lines);
    }
}
