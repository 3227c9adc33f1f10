package shop.defaults;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The paths probes and Prometheus use, the same on every service (and in the manifests, the
 * dashboard, the alerts and the README): liveness, readiness (down until the service serves and
 * again from the moment it starts to shut down) and the Prometheus scrape.
 */
final class Operations {

    static final String LIVENESS = "/actuator/health/liveness";
    static final String READINESS = "/actuator/health/readiness";

    private final AtomicBoolean ready = new AtomicBoolean();

    void markReady() {
        ready.set(true);
    }

    void markDown() {
        ready.set(false);
    }

    boolean ready() {
        return ready.get();
    }

    void mount(Router router, PrometheusMeterRegistry registry) {
        router.get(LIVENESS).handler(context -> status(context, true));
        router.get(READINESS).handler(context -> status(context, ready.get()));
        router.get("/actuator/health").handler(context -> status(context, ready.get()));
        router.get("/actuator/prometheus")
                .handler(context -> context.response()
                        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
                        .end(registry.scrape()));
    }

    private static void status(RoutingContext context, boolean up) {
        context.response()
                .setStatusCode(up ? 200 : 503)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(up ? "{\"status\":\"UP\"}" : "{\"status\":\"OUT_OF_SERVICE\"}");
    }
}
