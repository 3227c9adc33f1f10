/** Orders and their saga: store the order PENDING, charge it keyed by its id, record the outcome. */
@NullMarked
package shop.orders.order;

import org.jspecify.annotations.NullMarked;
