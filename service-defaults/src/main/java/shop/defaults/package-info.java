/** What every Shop service shares: RFC 9457 errors, the caller's identity and request limits. */
@NullMarked
package shop.defaults;

import org.jspecify.annotations.NullMarked;
