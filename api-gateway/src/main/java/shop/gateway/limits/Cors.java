package shop.gateway.limits;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Cross-origin calls from browsers: closed (no CORS headers at all) unless origins are
 * configured; then those origins may call, and any other is refused (403). It runs before
 * anything that may refuse a request (the gateway puts it at the router's edge), so that an
 * allowed origin's page can read every answer, errors (401, 413, 429, 503) included.
 */
public final class Cors {

    private Cors() {}

    /** The handler for the configured origins, or none when none are. */
    public static Optional<Handler<RoutingContext>> handler(List<String> allowedOrigins) {
        if (allowedOrigins.isEmpty()) {
            return Optional.empty();
        }
        CorsHandler cors = CorsHandler.create()
                .addOrigins(allowedOrigins)
                .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT))
                .allowedHeaders(Set.of("Authorization", "Content-Type", "Idempotency-Key", "traceparent"))
                .exposedHeaders(Set.of("Location", "Retry-After", "Idempotent-Replayed"))
                .maxAgeSeconds(600);
        return Optional.of(context -> {
            // No Origin, no cross-origin call; a page of this server (the API docs) calling it is none either.
            if (context.request().getHeader(HttpHeaders.ORIGIN) == null || sameOrigin(context)) {
                context.next();
            } else {
                cors.handle(context);
            }
        });
    }

    private static boolean sameOrigin(RoutingContext context) {
        String origin = context.request().getHeader(HttpHeaders.ORIGIN);
        var authority = context.request().authority();
        return origin != null
                && authority != null
                && origin.equals(context.request().scheme() + "://" + authority);
    }
}
