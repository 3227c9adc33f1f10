/** The payment service: charges and refunds orders, exactly once each, through a payment processor. */
@NullMarked
package shop.payments;

import org.jspecify.annotations.NullMarked;
