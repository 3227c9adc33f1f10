package shop.defaults;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
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

    // Encoded once: set on every answer, and a plain String is checked and encoded again each time.
    private static final CharSequence[] NAMES_AND_VALUES = {
        HttpHeaders.createOptimized("X-Content-Type-Options"), HttpHeaders.createOptimized("nosniff"),
        HttpHeaders.createOptimized("X-Frame-Options"), HttpHeaders.createOptimized("DENY"),
        HttpHeaders.createOptimized(CONTENT_SECURITY_POLICY),
                HttpHeaders.createOptimized("default-src 'none'; frame-ancestors 'none'"),
        HttpHeaders.createOptimized("Cache-Control"), HttpHeaders.createOptimized("no-store"),
        HttpHeaders.createOptimized("Referrer-Policy"), HttpHeaders.createOptimized("no-referrer")
    };

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
        for (int i = 0; i < NAMES_AND_VALUES.length; i += 2) {
            headers.set(NAMES_AND_VALUES[i], NAMES_AND_VALUES[i + 1]);
        }
    }
}
