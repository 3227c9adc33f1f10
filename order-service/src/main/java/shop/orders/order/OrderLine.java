package shop.orders.order;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import shop.defaults.Money;
import shop.orders.catalog.Product;

/** One line of an order: an item, how many, at the unit price it was placed at. */
record OrderLine(String item, int quantity, Money unitPrice) {

    static OrderLine of(Product product, int quantity) {
        return new OrderLine(product.item(), quantity, product.price());
    }

    /** @throws ArithmeticException if quantity times price overflows */
    Money amount() {
        return unitPrice.times(quantity);
    }

    /** The lines' amounts added up (0 for none). @throws ArithmeticException if the total overflows */
    static Money total(List<OrderLine> lines, String currency) {
        Money total = new Money(0, currency);
        for (OrderLine line : lines) {
            total = total.plus(line.amount());
        }
        return total;
    }

    /**
     * The lines as the orders table keeps them, in one column of the order's row: placing an order
     * stays one insert, batched with the other orders' of the moment (a table of lines would add a
     * statement per order to every batch). Amounts are derived, the currency is the order's.
     */
    static String toColumn(List<OrderLine> lines) {
        JsonArray column = new JsonArray(new ArrayList<>(lines.size()));
        for (OrderLine line : lines) {
            column.add(new JsonObject()
                    .put("item", line.item())
                    .put("quantity", line.quantity())
                    .put("unitPriceMinor", line.unitPrice().minorUnits()));
        }
        return column.encode();
    }

    static List<OrderLine> fromColumn(String column, String currency) {
        JsonArray stored = new JsonArray(column);
        List<OrderLine> lines = new ArrayList<>(stored.size());
        for (int i = 0; i < stored.size(); i++) {
            JsonObject line = stored.getJsonObject(i);
            lines.add(new OrderLine(
                    line.getString("item"),
                    line.getInteger("quantity"),
                    new Money(line.getLong("unitPriceMinor"), currency)));
        }
        return List.copyOf(lines);
    }
}
