package shop.defaults;

import java.math.BigDecimal;
import java.util.Currency;

/**
 * An exact amount of money: minor units (cents) and an ISO 4217 currency. Shop never uses
 * floating point for money; JSON carries amounts as decimal numbers ({@code 100.00}).
 */
public record Money(long minorUnits, String currency) {

    public Money {
        Currency.getInstance(currency);
    }

    /** @throws ArithmeticException if the amount has more decimals than the currency allows */
    public static Money of(BigDecimal amount, String currency) {
        int digits = Currency.getInstance(currency).getDefaultFractionDigits();
        return new Money(amount.movePointRight(digits).longValueExact(), currency);
    }

    public BigDecimal amount() {
        int digits = Currency.getInstance(currency).getDefaultFractionDigits();
        return BigDecimal.valueOf(minorUnits, digits);
    }

    /** @throws ArithmeticException if the total overflows */
    public Money times(int quantity) {
        return new Money(Math.multiplyExact(minorUnits, quantity), currency);
    }

    /** @throws ArithmeticException if the total overflows, IllegalArgumentException in another currency */
    public Money plus(Money other) {
        if (!other.currency.equals(currency)) {
            throw new IllegalArgumentException("Cannot add " + other.currency + " to " + currency);
        }
        return new Money(Math.addExact(minorUnits, other.minorUnits), currency);
    }

    @Override
    public String toString() {
        return amount().toPlainString() + " " + currency;
    }
}
