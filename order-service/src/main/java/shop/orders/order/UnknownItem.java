package shop.orders.order;

/** The item named is not in the catalog. */
class UnknownItem extends RuntimeException {

    UnknownItem(String item) {
        super("Unknown item '%s': see GET /products".formatted(item));
    }
}
