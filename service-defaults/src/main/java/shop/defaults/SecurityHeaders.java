package shop.defaults;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * Headers that keep a browser from doing anything clever with an answer: no type sniffing, no
 * framing, a policy that loads nothing, no caching of data that belongs to one caller. A page
 * that must load its own scripts (the API's docs) sets its own policy after this. Over HTTPS, HSTS
 * too: a browser that has seen it never speaks plain HTTP to the host again.
 */
final class SecurityHeaders {

    static final String CONTENT_SECURITY_POLICY = "Content-Security-Policy";
    static final String STRICT_TRANSPORT_SECURITY = "Strict-Transport-Security";

    private SecurityHeaders() {}

    static Handler<RoutingContext> handler() {
        return context -> {
            apply(context.response().headers());
            if (context.request().isSSL()) {
                context.response().headers().set(STRICT_TRANSPORT_SECURITY, "max-age=31536000");
            }
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
