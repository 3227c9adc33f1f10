package shop.payments.processor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CardTest {

    @Test
    void keepsOnlyBrandAndLastFour() {
        assertThat(Card.describe("4242424242424242")).isEqualTo(new Card("visa", "4242"));
        assertThat(Card.describe("5555555555554444")).isEqualTo(new Card("mastercard", "4444"));
        assertThat(Card.describe("378282246310005")).isEqualTo(new Card("amex", "0005"));
    }

    @Test
    void describesATokenWithoutDigits() {
        assertThat(Card.describe("tok_visa")).isEqualTo(new Card("token", ""));
    }
}
