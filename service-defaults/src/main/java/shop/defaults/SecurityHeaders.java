package shop.defaults;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * Headers that keep a browser from doing anything clever with an answer: no type sniffing, no
 * framing, a policy that loads nothing, no caching of data that belongs to one caller. A page
 * that must load its own scripts (the API's docs) sets its own policy after this.
 */
final class SecurityHeaders {

    static final String CONTENT_SECURITY_POLICY = "Content-Security-Policy";

    private SecurityHeaders() {}

    static Handler<RoutingContext> handler() {
        return context -> {
            apply(context.response().headers());
            context.next();
        };
    }

    static void apply(MultiMap headers) {
        headers.set("X-Content-Type-Options", "nosniff")
                .set("X-Frame-Options", "DENY")
                .set(CONTENT_SECURITY_POLICY, "default-src 'none'; frame-ancestors 'none'")
                .set("Cache-Control", "no-store")
                .set("Referrer-Policy", "no-referrer");
    }
}
