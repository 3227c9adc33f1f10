package shop.orders.order;

/** The currency the client expects is not the catalog's. */
class CurrencyMismatch extends RuntimeException {

    CurrencyMismatch(String item, String expected, String catalogCurrency) {
        super("%s is priced in %s, not %s".formatted(item, catalogCurrency, expected));
    }
}
