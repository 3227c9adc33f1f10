package shop.payments.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import shop.defaults.Money;

class SimulatedProcessorTest {

    private final SimulatedProcessor processor = new SimulatedProcessor();
    private final Money amount = new Money(10000, "USD");

    @ParameterizedTest
    @CsvSource({
        "4000000000000002, card_declined",
        "4000000000009995, insufficient_funds",
        "4242424242424241, incorrect_number"
    })
    void declinesTestCardsWithTheirReason(String card, String reason) {
        assertThat(charge(UUID.randomUUID(), card)).isEqualTo(new ProcessorOutcome.Declined(reason));
    }

    @ParameterizedTest
    @CsvSource({"4242424242424242", "5555555555554444", "tok_visa"})
    void approvesGoodCardsAndTokens(String method) {
        assertThat(charge(UUID.randomUUID(), method)).isEqualTo(new ProcessorOutcome.Approved());
    }

    @Test
    void failsTransientlyOnceThenApprovesTheSameOrder() {
        UUID order = UUID.randomUUID();
        assertThat(charge(order, SimulatedProcessor.TRANSIENT_ERROR)).isInstanceOf(ProcessorOutcome.Unavailable.class);
        assertThat(charge(order, SimulatedProcessor.TRANSIENT_ERROR)).isEqualTo(new ProcessorOutcome.Approved());
        assertThat(charge(UUID.randomUUID(), SimulatedProcessor.TRANSIENT_ERROR))
                .isInstanceOf(ProcessorOutcome.Unavailable.class);
    }

    // Defect: every order ever charged with the transient card stayed in the processor's memory.

    @Test
    void forgetsAnOrderOnceItsRetryIsApproved() {
        UUID order = UUID.randomUUID();
        charge(order, SimulatedProcessor.TRANSIENT_ERROR);
        assertThat(charge(order, SimulatedProcessor.TRANSIENT_ERROR)).isEqualTo(new ProcessorOutcome.Approved());
        assertThat(charge(order, SimulatedProcessor.TRANSIENT_ERROR))
                .as("forgotten after its retry: a new first attempt")
                .isInstanceOf(ProcessorOutcome.Unavailable.class);
    }

    @Test
    void tokenizesWithoutKeepingTheNumber() {
        assertThat(processor.tokenize("4000000000000002")).isEqualTo("tok_sim_card_declined");
        assertThat(processor.tokenize("4242424242424242")).doesNotContain("4242");
        assertThat(processor.tokenize("tok_visa")).isEqualTo("tok_visa");
    }

    @Test
    void refundsAnyPartOfAChargeButNotMoreThanIsLeft() {
        UUID order = UUID.randomUUID();
        assertThat(processor.refund(order, UUID.randomUUID(), amount, amount).result())
                .isEqualTo(new ProcessorOutcome.Approved());
        assertThat(processor
                        .refund(order, UUID.randomUUID(), new Money(2500, "USD"), new Money(2500, "USD"))
                        .result())
                .isEqualTo(new ProcessorOutcome.Approved());
        assertThat(processor
                        .refund(order, UUID.randomUUID(), new Money(2501, "USD"), new Money(2500, "USD"))
                        .result())
                .isEqualTo(new ProcessorOutcome.Declined("amount_exceeds_charge"));
    }

    /** The simulator answers at once: its futures are complete when returned. */
    private ProcessorOutcome charge(UUID order, String paymentMethod) {
        var outcome = processor.charge(order, processor.tokenize(paymentMethod), amount);
        assertThat(outcome.succeeded()).isTrue();
        return outcome.result();
    }

    @Test
    void checksLuhnDigits() {
        assertThat(SimulatedProcessor.passesLuhnCheck("4242424242424242")).isTrue();
        assertThat(SimulatedProcessor.passesLuhnCheck("4242424242424243")).isFalse();
        assertThat(SimulatedProcessor.passesLuhnCheck("42424242x2424242")).isFalse();
    }
}
