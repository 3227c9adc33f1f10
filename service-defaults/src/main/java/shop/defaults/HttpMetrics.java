package shop.defaults;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@code http.server.requests} for every request and {@code http.client.requests} for every call
 * to another service, by method, route template (never the raw path), status and outcome, with
 * histogram buckets so that dashboards can take quantiles across replicas.
 *
 * <p>Every label takes its value from a closed set, whatever a client sends: the method is one the
 * service routes or {@value #OTHER_METHOD}; the route is a template of the service's own routes or
 * {@value #UNMATCHED}; the status is one the server answered (a number its code chose) or
 * {@value #CLIENT_CLOSED}. So the series, and the memory they hold, are bounded by the service's
 * code: made-up methods and paths all land in one series each.
 */
public final class HttpMetrics {

    /**
     * Where a service whose routes live in a sub-router (the gateway's router, built from the API
     * contract) puts the template of the route a request matched ({@code /orders/{id}}): the
     * parent router's current route is only the mount point.
     */
    public static final String ROUTE_TEMPLATE = "shop.route-template";

    /** The route of a request that matched none of the service's routes (or was refused before routing). */
    public static final String UNMATCHED = "unmatched";

    /** The method of a request whose method no route of the service takes. */
    public static final String OTHER_METHOD = "other";

    /** The status of a request whose connection closed before its answer was complete (the client went away). */
    public static final String CLIENT_CLOSED = "CLIENT_CLOSED";

    private static final String METHOD = "shop.method";

    /** {@link TimerKey#status} of a request that was not answered. */
    private static final int NOT_ANSWERED = -1;

    private final MeterRegistry registry;

    /**
     * The timers by what tags them, each found in the registry once: registering one again per
     * request (an id, its tags sorted, a lookup) cost a few percent of a service's CPU. Bounded as
     * the tags are (see the class comment).
     */
    private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();

    /** A server request's timer has no service; a client call's names the service called. */
    private record TimerKey(String service, String method, String uri, int status) {}

    /**
     * Vert.x route paths ({@code /orders/:id}) as templates ({@code /orders/{id}}), each rewritten
     * once. Keyed by the paths of routes in the code, never by a request's path: bounded.
     */
    private static final Map<String, String> TEMPLATES = new ConcurrentHashMap<>();

    private static final Pattern PATH_PARAMETER = Pattern.compile(":([A-Za-z0-9_]+)");

    /** What the service routes, read from its routers when it starts serving. */
    private volatile Routes routes = new Routes(Set.of(), List.of());

    HttpMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Learns the methods and route paths of {@code routers} (and their sub-routers), the values
     * the labels may take. Called when the service starts serving, once its routes are built.
     */
    void learnRoutes(Collection<Router> routers) {
        this.routes = Routes.of(routers);
    }

    Handler<RoutingContext> server() {
        return context -> {
            long started = System.nanoTime();
            String name = context.request().method().name();
            String method = routes.methods().contains(name) ? name : OTHER_METHOD;
            context.put(METHOD, method);
            context.addEndHandler(done -> {
                int status = done.succeeded() ? context.response().getStatusCode() : NOT_ANSWERED;
                timer(new TimerKey("", method, uriOf(context), status))
                        .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            });
            context.next();
        };
    }

    /** Records one call to another service ({@code status} 0 when no answer came). */
    public void client(String service, String method, String uri, int status, long startedNanos) {
        timer(new TimerKey(service, method, uri, status))
                .record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * The status of a request as metrics and logs show it, given how its end handler was called:
     * the number answered, or {@value #CLIENT_CLOSED} when the connection closed first.
     */
    public static String statusOf(RoutingContext context, AsyncResult<Void> done) {
        return done.succeeded() ? String.valueOf(context.response().getStatusCode()) : CLIENT_CLOSED;
    }

    /**
     * The template of the route a request matched, in the form the dashboards know ({@code
     * /orders/{id}}), or {@value #UNMATCHED}: never the raw path, which may carry anything a client
     * sent.
     */
    public static String routeOf(RoutingContext context) {
        String template = context.get(ROUTE_TEMPLATE);
        if (template != null) {
            return template;
        }
        Route route = context.currentRoute();
        // A sub-router's mount point ("/" for "/*") is no route of its own.
        if (route != null && route.getPath() != null && route.getSubRouter() == null) {
            return templateOf(route.getPath());
        }
        return UNMATCHED;
    }

    /**
     * The method of a request as metrics and logs show it: one the service routes, or {@value
     * #OTHER_METHOD} (a client may send any token as a method, of up to 8 KB).
     */
    public static String methodOf(RoutingContext context) {
        return context.get(METHOD, OTHER_METHOD);
    }

    /**
     * As {@link #routeOf}; a failed request is finished by the failure handler's route, which has
     * no path, so its route is found again among the service's own: the one with path parameters
     * that, filled in with the request's, is the request's path.
     */
    private String uriOf(RoutingContext context) {
        String route = routeOf(context);
        if (!route.equals(UNMATCHED)
                || context.failure() == null
                || context.pathParams().isEmpty()) {
            return route;
        }
        String path = context.normalizedPath();
        for (String candidate : routes.parameterized()) {
            if (path.equals(filledIn(candidate, context.pathParams()))) {
                return templateOf(candidate);
            }
        }
        return UNMATCHED;
    }

    /** The route's path with its parameters' values in place, or null when the request has not all of them. */
    private static @Nullable String filledIn(String routePath, Map<String, String> parameters) {
        Matcher parameter = PATH_PARAMETER.matcher(routePath);
        StringBuilder path = new StringBuilder();
        while (parameter.find()) {
            String value = parameters.get(parameter.group(1));
            if (value == null) {
                return null;
            }
            parameter.appendReplacement(path, Matcher.quoteReplacement(value));
        }
        return parameter.appendTail(path).toString();
    }

    private static String templateOf(String routePath) {
        return TEMPLATES.computeIfAbsent(
                routePath, path -> PATH_PARAMETER.matcher(path).replaceAll("{$1}"));
    }

    private Timer timer(TimerKey key) {
        Timer timer = timers.get(key);
        return timer != null ? timer : timers.computeIfAbsent(key, this::register);
    }

    private Timer register(TimerKey key) {
        Timer.Builder timer = key.service().isEmpty()
                ? Timer.builder("http.server.requests")
                : Timer.builder("http.client.requests").tag("client.name", key.service());
        return timer.tag("method", key.method())
                .tag("uri", key.uri())
                .tag("status", statusTag(key.status()))
                .tag("outcome", key.status() > 0 ? outcome(key.status()) : "UNKNOWN")
                .publishPercentileHistogram()
                .register(registry);
    }

    private static String statusTag(int status) {
        return switch (status) {
            case 0 -> "CLIENT_ERROR";
            case NOT_ANSWERED -> CLIENT_CLOSED;
            default -> String.valueOf(status);
        };
    }

    private static String outcome(int status) {
        return switch (status / 100) {
            case 1 -> "INFORMATIONAL";
            case 2 -> "SUCCESS";
            case 3 -> "REDIRECTION";
            case 4 -> "CLIENT_ERROR";
            case 5 -> "SERVER_ERROR";
            default -> "UNKNOWN";
        };
    }

    /** The methods any route names, and the paths of routes with path parameters. */
    private record Routes(Set<String> methods, List<String> parameterized) {

        static Routes of(Collection<Router> routers) {
            Set<String> methods = new HashSet<>();
            List<String> parameterized = new ArrayList<>();
            for (Router router : routers) {
                collect(router, methods, parameterized);
            }
            return new Routes(Set.copyOf(methods), List.copyOf(parameterized));
        }

        private static void collect(Router router, Set<String> methods, List<String> parameterized) {
            for (Route route : router.getRoutes()) {
                if (route.getSubRouter() != null) {
                    collect(route.getSubRouter(), methods, parameterized);
                    continue;
                }
                if (route.methods() != null) {
                    route.methods().forEach(method -> methods.add(method.name()));
                }
                if (route.getPath() != null && route.getPath().contains(":")) {
                    parameterized.add(route.getPath());
                }
            }
        }
    }
}
