/** The web pages the gateway serves: the storefront at {@code /} and the operations console at {@code /console}. */
@NullMarked
package shop.gateway.web;

import org.jspecify.annotations.NullMarked;
