package shop.orders.catalog;

import shop.defaults.Money;

/** Something that can be ordered, by its item name, at the catalog's price. */
public record Product(String item, String name, Money price) {}
