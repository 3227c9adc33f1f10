/** Which service answers a public call, and how a call is passed on to it and its answer back. */
@NullMarked
package shop.gateway.routing;

import org.jspecify.annotations.NullMarked;
