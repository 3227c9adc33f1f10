/** order-service's side of payment-service: the HTTP client, its breaker, and what its answers mean. */
@NullMarked
package shop.orders.payment;

import org.jspecify.annotations.NullMarked;
