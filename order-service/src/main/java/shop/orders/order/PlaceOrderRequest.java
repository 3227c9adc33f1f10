package shop.orders.order;

import java.math.BigDecimal;

import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /orders}, as in the original demo ({@code item}, {@code price},
 * {@code customer}) plus optional fields. {@code price} is what the client expects to pay per
 * item: the catalog's price is charged, and a different expectation is refused.
 */
record PlaceOrderRequest(
        @NotBlank @Size(max = 100) String item,
        @Nullable @Positive @Digits(integer = 12, fraction = 2) BigDecimal price,
        @Nullable @Size(min = 1, max = 100) @Pattern(regexp = "[\\p{L}\\p{N} .'_-]+",
                message = "may hold only letters, digits, spaces and . ' _ -") String customer,
        @Nullable @Min(1) @Max(1000) Integer quantity,
        @Nullable @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as USD") String currency,
        @Nullable @Pattern(regexp = "\\d{12,19}|tok_[A-Za-z0-9_]{1,60}",
                message = "must be a card number (12 to 19 digits) or a processor token (tok_...)")
        String paymentMethod) {

    int quantityOrOne() {
        return quantity != null ? quantity : 1;
    }
}
