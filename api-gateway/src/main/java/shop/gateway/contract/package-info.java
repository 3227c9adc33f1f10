/**
 * The public API's contract ({@code api/openapi.yaml}): loaded to build the router from, checked
 * against every request before it is passed on, and served to people and programs.
 */
@NullMarked
package shop.gateway.contract;

import org.jspecify.annotations.NullMarked;
