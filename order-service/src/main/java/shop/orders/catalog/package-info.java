/** The product catalog: what can be ordered, and its price, which is the price charged. */
@NullMarked
package shop.orders.catalog;

import org.jspecify.annotations.NullMarked;
