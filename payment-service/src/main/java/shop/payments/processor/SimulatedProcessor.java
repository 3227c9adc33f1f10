package shop.payments.processor;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;
import shop.defaults.Money;

/**
 * The built-in processor: decides deterministically from the payment method, like the test cards
 * of real processors. Its tokens name the behaviour of the card they stand for
 * ({@code tok_sim_card_declined}), so they can be kept, and charged later, without the number.
 * {@code 4000000000000119} fails transiently on the first attempt for an order and succeeds when
 * retried; the processor remembers those first attempts in memory, as a remote one would.
 */
@Component
class SimulatedProcessor implements PaymentProcessor {

    static final String DECLINED = "4000000000000002";
    static final String INSUFFICIENT_FUNDS = "4000000000009995";
    static final String TRANSIENT_ERROR = "4000000000000119";

    private static final String PREFIX = "tok_sim_";

    private final Set<UUID> transientFailuresSeen = ConcurrentHashMap.newKeySet();

    @Override
    public String tokenize(String paymentMethod) {
        if (paymentMethod.startsWith("tok_")) {
            return paymentMethod;
        }
        return PREFIX + switch (paymentMethod) {
            case DECLINED -> "card_declined";
            case INSUFFICIENT_FUNDS -> "insufficient_funds";
            case TRANSIENT_ERROR -> "transient_error";
            default -> passesLuhnCheck(paymentMethod) ? "approve" : "incorrect_number";
        };
    }

    @Override
    public ProcessorOutcome charge(UUID orderId, String token, Money amount) {
        return switch (token) {
            case PREFIX + "card_declined" -> new ProcessorOutcome.Declined("card_declined");
            case PREFIX + "insufficient_funds" -> new ProcessorOutcome.Declined("insufficient_funds");
            case PREFIX + "incorrect_number" -> new ProcessorOutcome.Declined("incorrect_number");
            case PREFIX + "transient_error" -> transientFailuresSeen.add(orderId)
                    ? new ProcessorOutcome.Unavailable("processing_error")
                    : new ProcessorOutcome.Approved();
            default -> new ProcessorOutcome.Approved();
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
