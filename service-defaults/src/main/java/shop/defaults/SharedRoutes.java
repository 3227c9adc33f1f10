package shop.defaults;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The handlers and routes every Shop router starts with, one call each, which each service's
 * main puts on its router itself, in this order: {@link #metrics}, {@link #securityHeaders},
 * (the gateway's edge handlers), {@link #refuseMalformedPath}, {@link #operations} (health and
 * metrics), {@link #body}, {@link #inFlightLimit}; then the service's own routes.
 *
 * <p>The order matters. Whatever the first handlers put on the answer is on every answer, and what
 * the edge refuses is refused before a body is read. Health and metrics are routes ahead of the
 * in-flight limit and of anything a service adds (internal authentication): they are matched on
 * the routed (normalised) path like every route, so no prefix of a raw path ({@code
 * /actuator/../orders}) can pass a request around a gate. The body is read before the in-flight
 * limit counts the request: a body that trickles in holds its connection (until its deadline, at
 * the gateway), never one of the service's slots.
 */
public final class SharedRoutes {

    /** Request bodies larger than this are refused (413) before they are read whole. */
    public static final int MAX_BODY_BYTES = 16 * 1024;

    /** For a service without a database: no failure is one of a database. */
    public static final BiFunction<HttpMethod, Throwable, @Nullable Problem> NO_DATABASE = (method, failure) -> null;

    /** Reads every request's body, up to {@link #MAX_BODY_BYTES} (413 past it), in memory only. */
    private static final BodyHandler BODY = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);

    private final Vertx vertx;
    private final Settings settings;
    private final Operations operations;
    private final HttpMetrics httpMetrics;
    private final PrometheusMeterRegistry registry;
    private final List<Router> routers = new CopyOnWriteArrayList<>();

    SharedRoutes(
            Vertx vertx,
            Settings settings,
            Operations operations,
            HttpMetrics httpMetrics,
            PrometheusMeterRegistry registry) {
        this.vertx = vertx;
        this.settings = settings;
        this.operations = operations;
        this.httpMetrics = httpMetrics;
        this.registry = registry;
    }

    /**
     * A router whose every failure, and every refusal of vertx-web's own (no route, a method not
     * served here: a 405 naming the methods the path has), answers {@code application/problem+json}:
     * a {@link ProblemException}'s own problem, else the service's {@code domainProblems}, else its
     * {@code databaseProblems} (by the request's method: a write's outcome may be unknown;
     * {@code Database::problemOf}, or {@link #NO_DATABASE}), else vertx-web's status, else a logged
     * 500. Both mappings are arguments, so that no service can leave its problems out (each would be
     * a 500).
     */
    public Router router(
            Function<Throwable, @Nullable Problem> domainProblems,
            BiFunction<HttpMethod, Throwable, @Nullable Problem> databaseProblems) {
        Router router = Router.router(vertx);
        Handler<RoutingContext> failures = context -> Problems.failureHandler(failure -> {
                    Problem domain = domainProblems.apply(failure);
                    return domain != null
                            ? domain
                            : databaseProblems.apply(context.request().method(), failure);
                })
                .handle(context);
        router.route().failureHandler(failures);
        // Refusals of vertx-web's own (no route, a method not served here) answer problems too.
        for (int status : new int[] {400, 406, 413, 415, 500}) {
            router.errorHandler(status, failures);
        }
        // A path that some route takes with other methods is a 405 naming them, also where
        // vertx-web answers 404 (it does when a route after the one of that path matched neither).
        Handler<RoutingContext> notRouted = context -> {
            String allowed = context.failure() == null ? AllowedMethods.of(router, context.normalizedPath()) : "";
            if (allowed.isEmpty()) {
                failures.handle(context);
                return;
            }
            context.response().putHeader(HttpHeaders.ALLOW, allowed);
            Problems.send(context, Problems.forStatus(405));
        };
        router.errorHandler(404, notRouted);
        router.errorHandler(405, notRouted);
        routers.add(router);
        return router;
    }

    /** {@code http.server.requests}: each request's duration by method, route template and status. */
    public Handler<RoutingContext> metrics() {
        return httpMetrics.server();
    }

    /** The security headers every answer carries: no type sniffing, no framing, no caching; HSTS over HTTPS. */
    public static Handler<RoutingContext> securityHeaders() {
        return SecurityHeaders.handler();
    }

    /**
     * A path that cannot be decoded ({@code /orders/%zz}) is the client's mistake: 400, not 500
     * (routing would fail on it, with a 500 anyone could cause and an ERROR in the log).
     */
    public static void refuseMalformedPath(RoutingContext context) {
        try {
            context.normalizedPath();
        } catch (IllegalArgumentException malformed) {
            context.response().putHeader(HttpHeaders.CONNECTION, "close");
            Problems.send(context, Problems.forStatus(400));
            return;
        }
        context.next();
    }

    /**
     * The operations routes: {@code GET /actuator/health/liveness}, {@code /actuator/health/readiness}
     * (and {@code /actuator/health}), {@code /actuator/prometheus}.
     */
    public void operations(Router router) {
        operations.mount(router, registry);
    }

    /** Reads the request's body, in memory, up to {@link #MAX_BODY_BYTES} (413 past it). */
    public static Handler<RoutingContext> body() {
        return BODY;
    }

    /** At most {@code SHOP_MAX_IN_FLIGHT} requests (default 128; 0: any number) at once, 503 past it. */
    public Handler<RoutingContext> inFlightLimit() {
        return InFlightLimit.handler(settings.integer("SHOP_MAX_IN_FLIGHT", 128, 0, 100_000));
    }

    /** The routers made here, whose routes the request metrics learn when the service serves. */
    List<Router> routers() {
        return routers;
    }
}
