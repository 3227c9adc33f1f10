/** The API gateway: Shop's only public door. It authenticates, routes and limits; it holds no business logic. */
@NullMarked
package shop.gateway;

import org.jspecify.annotations.NullMarked;
