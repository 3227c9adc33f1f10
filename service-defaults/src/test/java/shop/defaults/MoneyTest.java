package shop.defaults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class MoneyTest {

    @Test
    void keepsCentsExactly() {
        Money price = Money.of(new BigDecimal("19.99"), "USD");
        assertThat(price.minorUnits()).isEqualTo(1999);
        assertThat(price.times(3).amount()).isEqualByComparingTo("59.97");
        assertThat(price.amount().toPlainString()).isEqualTo("19.99");
    }

    @Test
    void refusesFractionsOfACent() {
        assertThatThrownBy(() -> Money.of(new BigDecimal("1.001"), "USD")).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void refusesATotalThatOverflows() {
        Money huge = new Money(Long.MAX_VALUE / 2, "USD");
        assertThatThrownBy(() -> huge.times(3)).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void knowsCurrenciesWithoutMinorUnits() {
        assertThat(Money.of(new BigDecimal("500"), "JPY").minorUnits()).isEqualTo(500);
    }

    @Test
    void refusesUnknownCurrency() {
        assertThatThrownBy(() -> new Money(1, "XYZ1")).isInstanceOf(IllegalArgumentException.class);
    }
}
