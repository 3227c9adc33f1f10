/** order-service's side of payment-service: the HTTP client, and what its answers mean for an order. */
@NullMarked
package shop.orders.payment;

import org.jspecify.annotations.NullMarked;
