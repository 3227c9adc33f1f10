package shop.payments.transaction;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import shop.defaults.CardNumbers;
import shop.defaults.Money;
import shop.defaults.Problem;
import shop.defaults.ProblemException;

/**
 * Charge an order. The payment method may be left out when retrying: a charge this service has
 * recorded or claimed is returned or finished; an order it has never seen is declined. Every
 * invalid field is named at once (400), never with the value the client sent.
 */
record ChargeRequest(
        UUID orderId,
        BigDecimal amount,
        String currency,
        @Nullable String paymentMethod) {

    private static final Pattern PAYMENT_METHOD = Pattern.compile("\\d{12,19}|tok_[A-Za-z0-9_]{1,60}");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    @SuppressWarnings("ConstantValue") // JSON may leave out what the type says is there
    ChargeRequest {
        List<Problem.FieldError> errors = new ArrayList<>(0);
        if (orderId == null) {
            errors.add(new Problem.FieldError("orderId", "must not be null"));
        }
        if (amount == null) {
            errors.add(new Problem.FieldError("amount", "must not be null"));
        } else if (amount.signum() <= 0) {
            errors.add(new Problem.FieldError("amount", "must be greater than 0"));
        } else if (!withinDigits(amount)) {
            errors.add(
                    new Problem.FieldError("amount", "numeric value out of bounds (<15 digits>.<2 digits> expected)"));
        }
        if (currency == null) {
            errors.add(new Problem.FieldError("currency", "must not be null"));
        } else if (!CURRENCY.matcher(currency).matches() || !knownCurrency(currency)) {
            errors.add(new Problem.FieldError("currency", "must be an ISO 4217 code such as USD"));
        }
        if (paymentMethod != null && !PAYMENT_METHOD.matcher(paymentMethod).matches()) {
            errors.add(new Problem.FieldError("paymentMethod", "must be a card number or a processor token (tok_...)"));
        } else if (paymentMethod != null && paymentMethod.startsWith("tok_") && CardNumbers.within(paymentMethod)) {
            // The token is what a claim keeps: one that carries a card number would put the number in the database.
            errors.add(new Problem.FieldError("paymentMethod", "is a token that holds a card number"));
        }
        if (!errors.isEmpty()) {
            throw Requests.invalid(errors);
        }
    }

    /** The amount as exact money; 400 when it has more decimals than its currency has (1.5 JPY). */
    Money money() {
        try {
            return Money.of(amount, currency);
        } catch (ArithmeticException fractionOfAMinorUnit) {
            throw new ProblemException(Problem.invalid(
                    "'amount' has more decimals than the currency allows",
                    List.of(new Problem.FieldError("amount", "has more decimals than the currency allows"))));
        }
    }

    /** At most 15 digits before the point and 2 after, trailing zeros aside ({@code 1.500} is 1.5). */
    private static boolean withinDigits(BigDecimal amount) {
        BigDecimal significant = amount.stripTrailingZeros();
        return significant.precision() - significant.scale() <= 15 && significant.scale() <= 2;
    }

    private static boolean knownCurrency(String code) {
        try {
            Currency.getInstance(code);
            return true;
        } catch (IllegalArgumentException unknown) {
            return false;
        }
    }
}
