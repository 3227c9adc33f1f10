package shop.defaults;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * The paths probes and Prometheus use, the same on every service (and in the manifests, the
 * dashboard, the alerts and docs/operations.md): liveness, readiness (down until the service serves,
 * while anything it needs is out of reach, and again from the moment it starts to shut down) and
 * the Prometheus scrape. Liveness depends on nothing outside the process: a restart would not bring
 * a database back.
 */
final class Operations {

    static final String LIVENESS = "/actuator/health/liveness";
    static final String READINESS = "/actuator/health/readiness";

    private final AtomicBoolean ready = new AtomicBoolean();
    private final List<Need> needs = new CopyOnWriteArrayList<>();

    /** Something the service cannot serve without, and whether it has it now. */
    private record Need(String name, BooleanSupplier met) {}

    void readyOnlyWhile(String need, BooleanSupplier met) {
        needs.add(new Need(need, met));
    }

    void markReady() {
        ready.set(true);
    }

    void markDown() {
        ready.set(false);
    }

    boolean ready() {
        return ready.get() && unmet().isEmpty();
    }

    private List<String> unmet() {
        return needs.stream()
                .filter(need -> !need.met().getAsBoolean())
                .map(Need::name)
                .toList();
    }

    void mount(Router router, PrometheusMeterRegistry registry) {
        router.get(LIVENESS).handler(context -> status(context, true));
        router.get(READINESS).handler(this::readiness);
        router.get("/actuator/health").handler(this::readiness);
        router.get("/actuator/prometheus")
                .handler(context -> context.response()
                        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
                        .end(registry.scrape()));
    }

    private void readiness(RoutingContext context) {
        if (!ready.get()) {
            status(context, false);
            return;
        }
        List<String> unmet = unmet();
        if (unmet.isEmpty()) {
            status(context, true);
            return;
        }
        context.response()
                .setStatusCode(503)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(StrictJson.write(Map.of("status", "DOWN", "unreachable", unmet)));
    }

    private static void status(RoutingContext context, boolean up) {
        context.response()
                .setStatusCode(up ? 200 : 503)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(up ? "{\"status\":\"UP\"}" : "{\"status\":\"OUT_OF_SERVICE\"}");
    }
}
