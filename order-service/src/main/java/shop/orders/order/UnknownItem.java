package shop.orders.order;

/** The item named is not in the catalog. */
class UnknownItem extends RuntimeException {

    UnknownItem() {
        super("'item' names no product of the catalog: see GET /products");
    }
}
