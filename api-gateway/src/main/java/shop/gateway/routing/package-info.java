/** Which service answers which public call, and how a call is passed on to it. */
@NullMarked
package shop.gateway.routing;

import org.jspecify.annotations.NullMarked;
