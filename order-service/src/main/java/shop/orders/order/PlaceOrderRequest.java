package shop.orders.order;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import shop.defaults.CardNumbers;
import shop.defaults.Problem;
import shop.defaults.ProblemException;

/**
 * The body of {@code POST /orders}, as in the original demo ({@code item}, {@code price},
 * {@code customer}) plus optional fields. {@code price} is what the client expects to pay per
 * item: the catalog's price is charged, and a different expectation is refused. Every invalid
 * field is named at once (400), never with the value sent.
 */
record PlaceOrderRequest(
        String item,
        @Nullable BigDecimal price,
        @Nullable String customer,
        @Nullable Integer quantity,
        @Nullable String currency,
        @Nullable String paymentMethod) {

    static final Pattern PAYMENT_METHOD = Pattern.compile("\\d{12,19}|tok_[A-Za-z0-9_]{1,60}");
    static final String CARD_IN_TOKEN = "is a token that holds a card number";
    private static final Pattern CUSTOMER = Pattern.compile("[\\p{L}\\p{N} .'_-]+");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    private static final BigDecimal MAX_PRICE = new BigDecimal("999999999999.99");

    @SuppressWarnings("ConstantValue") // JSON may leave out what the type says is there
    PlaceOrderRequest {
        List<Problem.FieldError> errors = new ArrayList<>(0);
        if (item == null || item.isBlank()) {
            errors.add(new Problem.FieldError("item", "must not be blank"));
        } else if (item.length() > 100) {
            errors.add(new Problem.FieldError("item", "size must be between 0 and 100"));
        }
        if (price != null && price.signum() <= 0) {
            errors.add(new Problem.FieldError("price", "must be greater than 0"));
        } else if (price != null && (price.stripTrailingZeros().scale() > 2 || price.compareTo(MAX_PRICE) > 0)) {
            errors.add(
                    new Problem.FieldError("price", "numeric value out of bounds (<12 digits>.<2 digits> expected)"));
        }
        if (customer != null && (customer.isEmpty() || customer.length() > 100)) {
            errors.add(new Problem.FieldError("customer", "size must be between 1 and 100"));
        } else if (customer != null && !CUSTOMER.matcher(customer).matches()) {
            errors.add(new Problem.FieldError("customer", "may hold only letters, digits, spaces and . ' _ -"));
        }
        if (quantity != null && quantity < 1) {
            errors.add(new Problem.FieldError("quantity", "must be greater than or equal to 1"));
        } else if (quantity != null && quantity > 1000) {
            errors.add(new Problem.FieldError("quantity", "must be less than or equal to 1000"));
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

    int quantityOrOne() {
        return quantity != null ? quantity : 1;
    }
}
