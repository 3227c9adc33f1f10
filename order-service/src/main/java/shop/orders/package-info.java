/** The order service: the catalog, orders, and the saga that pays for them. */
@NullMarked
package shop.orders;

import org.jspecify.annotations.NullMarked;
