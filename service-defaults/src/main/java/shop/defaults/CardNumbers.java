package shop.defaults;

/**
 * Finds a card number in text that is not one: a processor token or anything else a client
 * might send where a token belongs ({@code tok_4111111111111111}). A card number is 13 to 19
 * digits that pass the Luhn check, in a row or in groups split by single spaces, dashes, dots or
 * underscores, alone, inside other text or inside a longer run of digits. Such text is refused
 * rather than kept, since what is kept of a token is the token itself.
 */
public final class CardNumbers {

    private static final int SHORTEST = 13;
    private static final int LONGEST = 19;
    private static final String SEPARATORS = " -._";

    private CardNumbers() {}

    /** Whether {@code text} holds a card number in any form. */
    public static boolean within(String text) {
        StringBuilder digits = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (digit(c)) {
                digits.append(c);
            } else if (!(SEPARATORS.indexOf(c) >= 0
                    && !digits.isEmpty()
                    && i + 1 < text.length()
                    && digit(text.charAt(i + 1)))) {
                if (holdsOne(digits)) {
                    return true;
                }
                digits.setLength(0);
            }
        }
        return holdsOne(digits);
    }

    /** Whether some 13 to 19 digits in a row of {@code digits} pass the Luhn check. */
    private static boolean holdsOne(CharSequence digits) {
        for (int length = SHORTEST; length <= Math.min(LONGEST, digits.length()); length++) {
            for (int start = 0; start + length <= digits.length(); start++) {
                if (passesLuhnCheck(digits, start, start + length)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean passesLuhnCheck(CharSequence digits, int from, int to) {
        int sum = 0;
        boolean doubled = false;
        for (int i = to - 1; i >= from; i--) {
            int digit = digits.charAt(i) - '0';
            if (doubled) {
                digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
            }
            sum += digit;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }
}
