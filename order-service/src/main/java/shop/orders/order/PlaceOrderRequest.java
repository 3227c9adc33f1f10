package shop.orders.order;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import shop.defaults.CardNumbers;
import shop.defaults.Problem;
import shop.defaults.ProblemException;

/**
 * The body of {@code POST /orders}: the original demo's order of one item ({@code item}, {@code
 * price}, {@code customer}, and an optional {@code quantity}), or {@code lines} of several items,
 * plus optional fields. A {@code price} is what the client expects to pay per unit: the catalog's
 * price is charged, and a different expectation is refused. Every invalid field is named at once
 * (400, {@code lines.0.item} for a line's), never with the value sent.
 */
record PlaceOrderRequest(
        @Nullable String item,
        @Nullable List<Line> lines,
        @Nullable BigDecimal price,
        @Nullable String customer,
        @Nullable Integer quantity,
        @Nullable String currency,
        @Nullable String paymentMethod) {

    static final int MAX_LINES = 50;

    /** A line the client asks for: an item at most once an order. */
    record Line(String item, Integer quantity, @Nullable BigDecimal price) {}

    static final Pattern PAYMENT_METHOD = Pattern.compile("\\d{12,19}|tok_[A-Za-z0-9_]{1,60}");
    static final String CARD_IN_TOKEN = "is a token that holds a card number";
    private static final Pattern CUSTOMER = Pattern.compile("[\\p{L}\\p{N} .'_-]+");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    private static final BigDecimal MAX_PRICE = new BigDecimal("999999999999.99");

    @SuppressWarnings("ConstantValue") // JSON may leave out what the type says is there
    PlaceOrderRequest {
        List<Problem.FieldError> errors = new ArrayList<>(0);
        if (lines == null) {
            checkItem("item", item, errors);
            checkPrice("price", price, errors);
            checkQuantity("quantity", quantity, errors);
        } else {
            checkLines(item, lines, price, quantity, errors);
        }
        if (customer != null && (customer.isEmpty() || customer.length() > 100)) {
            errors.add(new Problem.FieldError("customer", "size must be between 1 and 100"));
        } else if (customer != null && !CUSTOMER.matcher(customer).matches()) {
            errors.add(new Problem.FieldError("customer", "may hold only letters, digits, spaces and . ' _ -"));
        }
        if (currency != null && !CURRENCY.matcher(currency).matches()) {
            errors.add(new Problem.FieldError("currency", "must be an ISO 4217 code such as USD"));
        }
        boolean cardInToken = false;
        if (paymentMethod != null && !PAYMENT_METHOD.matcher(paymentMethod).matches()) {
            errors.add(new Problem.FieldError(
                    "paymentMethod", "must be a card number (12 to 19 digits) or a processor token (tok_...)"));
        } else if (paymentMethod != null && paymentMethod.startsWith("tok_") && CardNumbers.within(paymentMethod)) {
            // A token is kept as it came: one that carries a card number would put the number in the database.
            cardInToken = true;
            errors.add(new Problem.FieldError("paymentMethod", CARD_IN_TOKEN));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.invalid(
                    cardInToken
                            ? "The request body is not valid: the payment method is a token that holds a card"
                                    + " number; send the card number alone (its digits only) or the processor's token"
                                    + " for it"
                            : "The request body is not valid",
                    errors));
        }
    }

    /** What is ordered: the lines, or the demo's item as the one line. */
    List<Line> linesAsked() {
        return lines != null ? lines : List.of(new Line(item, quantity != null ? quantity : 1, price));
    }

    @SuppressWarnings("ConstantValue") // JSON may leave out what the type says is there
    private static void checkLines(
            @Nullable String item,
            List<Line> lines,
            @Nullable BigDecimal price,
            @Nullable Integer quantity,
            List<Problem.FieldError> errors) {
        // Each line has its own item, quantity and price: the demo's fields beside lines are refused.
        String besideLines = "must be left out with lines (each line has its own)";
        if (item != null) {
            errors.add(new Problem.FieldError("item", besideLines));
        }
        if (price != null) {
            errors.add(new Problem.FieldError("price", besideLines));
        }
        if (quantity != null) {
            errors.add(new Problem.FieldError("quantity", besideLines));
        }
        if (lines.isEmpty() || lines.size() > MAX_LINES) {
            errors.add(new Problem.FieldError("lines", "size must be between 1 and " + MAX_LINES));
            return;
        }
        Set<String> items = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            String at = "lines." + i + ".";
            if (line == null) {
                errors.add(new Problem.FieldError("lines." + i, "must be a line (item, quantity, price)"));
                continue;
            }
            checkItem(at + "item", line.item(), errors);
            if (line.quantity() == null) {
                errors.add(new Problem.FieldError(at + "quantity", "is required"));
            }
            checkQuantity(at + "quantity", line.quantity(), errors);
            checkPrice(at + "price", line.price(), errors);
            if (line.item() != null && !items.add(line.item())) {
                errors.add(new Problem.FieldError(at + "item", "is on an earlier line: an item at most once an order"));
            }
        }
    }

    static void checkItem(String field, @Nullable String item, List<Problem.FieldError> errors) {
        if (item == null || item.isBlank()) {
            errors.add(new Problem.FieldError(field, "must not be blank"));
        } else if (item.length() > 100) {
            errors.add(new Problem.FieldError(field, "size must be between 0 and 100"));
        }
    }

    private static void checkPrice(String field, @Nullable BigDecimal price, List<Problem.FieldError> errors) {
        if (price != null && price.signum() <= 0) {
            errors.add(new Problem.FieldError(field, "must be greater than 0"));
        } else if (price != null && (price.stripTrailingZeros().scale() > 2 || price.compareTo(MAX_PRICE) > 0)) {
            errors.add(new Problem.FieldError(field, "numeric value out of bounds (<12 digits>.<2 digits> expected)"));
        }
    }

    static void checkQuantity(String field, @Nullable Integer quantity, List<Problem.FieldError> errors) {
        if (quantity != null && quantity < 1) {
            errors.add(new Problem.FieldError(field, "must be greater than or equal to 1"));
        } else if (quantity != null && quantity > 1000) {
            errors.add(new Problem.FieldError(field, "must be less than or equal to 1000"));
        }
    }
}
