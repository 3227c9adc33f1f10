package shop.payments.processor;

import io.vertx.core.Future;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import shop.defaults.Money;

/**
 * The built-in processor: decides deterministically from the payment method, like the test cards
 * of real processors. Its tokens name the behaviour of the card they stand for
 * ({@code tok_sim_card_declined}), so they can be kept, and charged later, without the number.
 * {@code 4000000000000119} fails transiently on the first attempt for an order and succeeds when
 * retried; the processor remembers those first attempts in memory, as a remote one would, until
 * the retry: so it holds the orders waiting for theirs, not every order ever charged with that
 * card. One instance serves every event loop, hence the concurrent set.
 */
public final class SimulatedProcessor implements PaymentProcessor {

    static final String DECLINED = "4000000000000002";
    static final String INSUFFICIENT_FUNDS = "4000000000009995";
    static final String TRANSIENT_ERROR = "4000000000000119";

    private static final String PREFIX = "tok_sim_";

    // Answers are immutable and already known: one completed future each, not one per charge.
    private static final Future<ProcessorOutcome> APPROVED = Future.succeededFuture(new ProcessorOutcome.Approved());
    private static final Future<ProcessorOutcome> CARD_DECLINED = declined("card_declined");
    private static final Future<ProcessorOutcome> NO_FUNDS = declined("insufficient_funds");
    private static final Future<ProcessorOutcome> INCORRECT_NUMBER = declined("incorrect_number");
    private static final Future<ProcessorOutcome> OVER_WHAT_IS_LEFT = declined("amount_exceeds_charge");
    private static final Future<ProcessorOutcome> PROCESSING_ERROR =
            Future.succeededFuture(new ProcessorOutcome.Unavailable("processing_error"));

    private final Set<UUID> transientFailuresSeen = ConcurrentHashMap.newKeySet();

    @Override
    public String tokenize(String paymentMethod) {
        if (paymentMethod.startsWith("tok_")) {
            return paymentMethod;
        }
        return PREFIX
                + switch (paymentMethod) {
                    case DECLINED -> "card_declined";
                    case INSUFFICIENT_FUNDS -> "insufficient_funds";
                    case TRANSIENT_ERROR -> "transient_error";
                    default -> passesLuhnCheck(paymentMethod) ? "approve" : "incorrect_number";
                };
    }

    @Override
    public Future<ProcessorOutcome> charge(UUID orderId, String token, Money amount) {
        return switch (token) {
            case PREFIX + "card_declined" -> CARD_DECLINED;
            case PREFIX + "insufficient_funds" -> NO_FUNDS;
            case PREFIX + "incorrect_number" -> INCORRECT_NUMBER;
            case PREFIX + "transient_error" -> failsFirstTime(orderId);
            default -> APPROVED;
        };
    }

    /** A first attempt fails for now; the retry is approved, and the order forgotten. */
    private Future<ProcessorOutcome> failsFirstTime(UUID orderId) {
        if (transientFailuresSeen.remove(orderId)) {
            return APPROVED;
        }
        transientFailuresSeen.add(orderId);
        return PROCESSING_ERROR;
    }

    /** Any part of a charge, as often as asked, but never more than is left of it. */
    @Override
    public Future<ProcessorOutcome> refund(UUID orderId, UUID refundId, Money amount, Money left) {
        return amount.minorUnits() <= left.minorUnits() && amount.currency().equals(left.currency())
                ? APPROVED
                : OVER_WHAT_IS_LEFT;
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

    private static Future<ProcessorOutcome> declined(String reason) {
        return Future.succeededFuture(new ProcessorOutcome.Declined(reason));
    }
}
