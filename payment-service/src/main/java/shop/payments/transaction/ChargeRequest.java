package shop.payments.transaction;

import java.math.BigDecimal;
import java.util.UUID;

import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import org.jspecify.annotations.Nullable;

/**
 * Charge an order. The payment method may be left out when retrying: a charge this service has
 * recorded or claimed is returned or finished; an order it has never seen is declined.
 */
record ChargeRequest(@NotNull UUID orderId, @NotNull @Positive @Digits(integer = 15, fraction = 2) BigDecimal amount,
        @NotNull @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as USD") String currency,
        @Nullable @Pattern(regexp = "\\d{12,19}|tok_[A-Za-z0-9_]{1,60}",
                message = "must be a card number or a processor token (tok_...)") String paymentMethod) {
}
