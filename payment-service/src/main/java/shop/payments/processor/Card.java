package shop.payments.processor;

/**
 * What Shop may keep of a payment method: its brand and last four digits, never the full number.
 */
public record Card(String brand, String last4) {

    /** Describes a card number or a processor token without keeping it. */
    public static Card describe(String paymentMethod) {
        if (paymentMethod.startsWith("tok_")) {
            return new Card("token", "");
        }
        String last4 = paymentMethod.substring(Math.max(0, paymentMethod.length() - 4));
        return new Card(brandOf(paymentMethod), last4);
    }

    private static String brandOf(String number) {
        return switch (number.charAt(0)) {
            case '4' -> "visa";
            case '5', '2' -> "mastercard";
            case '3' -> "amex";
            case '6' -> "discover";
            default -> "unknown";
        };
    }
}
