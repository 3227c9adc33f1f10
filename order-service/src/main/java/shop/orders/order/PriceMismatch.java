package shop.orders.order;

import java.math.BigDecimal;

/** The price the client expects is not the catalog's: refused rather than charged. */
class PriceMismatch extends RuntimeException {

    private final BigDecimal catalogPrice;

    PriceMismatch(String item, BigDecimal expected, BigDecimal catalogPrice) {
        super("The price of %s is %s, not %s".formatted(item, catalogPrice.toPlainString(), expected.toPlainString()));
        this.catalogPrice = catalogPrice;
    }

    BigDecimal catalogPrice() {
        return catalogPrice;
    }
}
