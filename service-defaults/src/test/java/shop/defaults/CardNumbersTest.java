package shop.defaults;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CardNumbersTest {

    @Test
    void findsACardNumberInAnyForm() {
        for (String text : new String[] {
            "4111111111111111",
            "tok_4111111111111111",
            "tok_x4111111111111111y",
            "tok_4111_1111_1111_1111",
            "4111 1111 1111 1111",
            "4111-1111-1111-1111",
            "4111.1111.1111.1111",
            "card 378282246310005 (amex, 15 digits)",
            "tok_994111111111111111990", // inside a longer run of digits
            "6011000990139424",
            "4222222222222" // 13 digits
        }) {
            assertThat(CardNumbers.within(text)).as(text).isTrue();
        }
    }

    @Test
    void takesTextWithoutOne() {
        for (String text : new String[] {
            "tok_sim_card_declined",
            "tok_visa",
            "tok_1NXWPn2eZvKYlo2C",
            "4222222222223", // 13 digits that fail the Luhn check
            "411111111111", // 12 digits
            "4111  1111  1111  1111", // groups split by more than one character are not one number
            "4111_1111_1111_111a",
            ""
        }) {
            assertThat(CardNumbers.within(text)).as(text).isFalse();
        }
    }
}
