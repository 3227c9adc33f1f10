/** The payment processor that decides whether money moves, and the simulated one Shop ships. */
@NullMarked
package shop.payments.processor;

import org.jspecify.annotations.NullMarked;
