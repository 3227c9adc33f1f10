/** Transactions: one charge and at most one refund per order, kept by a unique constraint. */
@NullMarked
package shop.payments.transaction;

import org.jspecify.annotations.NullMarked;
