/** Abuse limits at the door: requests per second per caller, query strings, and cross-origin access. */
@NullMarked
package shop.gateway.limits;

import org.jspecify.annotations.NullMarked;
