package shop.payments.processor;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;
import shop.defaults.Money;

/**
 * The built-in processor: decides deterministically from the payment method, like the test cards
 * of real processors. {@code 4000000000000119} fails transiently on the first attempt for an
 * order and succeeds when retried, so the retry path is exercised; the processor remembers those
 * first attempts in memory, as a remote processor would on its side.
 */
@Component
class SimulatedProcessor implements PaymentProcessor {

    static final String DECLINED = "4000000000000002";
    static final String INSUFFICIENT_FUNDS = "4000000000009995";
    static final String TRANSIENT_ERROR = "4000000000000119";

    private final Set<UUID> transientFailuresSeen = ConcurrentHashMap.newKeySet();

    @Override
    public ProcessorOutcome charge(UUID orderId, String paymentMethod, Money amount) {
        if (paymentMethod.startsWith("tok_")) {
            return new ProcessorOutcome.Approved();
        }
        return switch (paymentMethod) {
            case DECLINED -> new ProcessorOutcome.Declined("card_declined");
            case INSUFFICIENT_FUNDS -> new ProcessorOutcome.Declined("insufficient_funds");
            case TRANSIENT_ERROR -> transientFailuresSeen.add(orderId)
                    ? new ProcessorOutcome.Unavailable("processing_error")
                    : new ProcessorOutcome.Approved();
            default -> passesLuhnCheck(paymentMethod) ? new ProcessorOutcome.Approved()
                    : new ProcessorOutcome.Declined("incorrect_number");
        };
    }

    @Override
    public ProcessorOutcome refund(UUID orderId, Money amount) {
        return new ProcessorOutcome.Approved();
    }

    static boolean passesLuhnCheck(String number) {
        int sum = 0;
        boolean doubleIt = false;
        for (int i = number.length() - 1; i >= 0; i--) {
            int digit = Character.digit(number.charAt(i), 10);
            if (digit < 0) {
                return false;
            }
            if (doubleIt) {
                digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
            }
            sum += digit;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }
}
