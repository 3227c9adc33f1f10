package shop.defaults;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code http.server.requests} for every request and {@code http.client.requests} for every call
 * to another service, by method, route template (never the raw path), status and outcome, with
 * histogram buckets so that dashboards can take quantiles across replicas.
 */
public final class HttpMetrics {

    /**
     * Where a service whose routes live in a sub-router (the gateway's router, built from the API
     * contract) puts the template of the route a request matched ({@code /orders/{id}}): the
     * parent router's current route is only the mount point.
     */
    public static final String ROUTE_TEMPLATE = "shop.route-template";

    private final MeterRegistry registry;

    /**
     * The timers by what tags them, each found in the registry once: registering one again per
     * request (an id, its tags sorted, a lookup) cost a few percent of a service's CPU. Bounded as
     * the tags are: route templates, not paths.
     */
    private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();

    /** A server request's timer has no service; a client call's names the service called. */
    private record TimerKey(String service, String method, String uri, int status) {}

    /** Vert.x route paths ({@code /orders/:id}) as templates ({@code /orders/{id}}), each rewritten once. */
    private static final Map<String, String> TEMPLATES = new ConcurrentHashMap<>();

    private static final Pattern PATH_PARAMETER = Pattern.compile(":([A-Za-z0-9_]+)");

    HttpMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    Handler<RoutingContext> server() {
        return context -> {
            long started = System.nanoTime();
            context.addEndHandler(done -> {
                int status = context.response().getStatusCode();
                timer(new TimerKey("", context.request().method().name(), uriOf(context, status), status))
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

    private Timer timer(TimerKey key) {
        Timer timer = timers.get(key);
        return timer != null ? timer : timers.computeIfAbsent(key, this::register);
    }

    private Timer register(TimerKey key) {
        Timer.Builder timer = key.service().isEmpty()
                ? Timer.builder("http.server.requests")
                : Timer.builder("http.client.requests").tag("client.name", key.service());
        boolean answered = key.status() != 0;
        return timer.tag("method", key.method())
                .tag("uri", key.uri())
                .tag("status", answered ? String.valueOf(key.status()) : "CLIENT_ERROR")
                .tag("outcome", answered ? outcome(key.status()) : "UNKNOWN")
                .publishPercentileHistogram()
                .register(registry);
    }

    /**
     * The route template in the form the dashboards know ({@code /orders/{id}}), never the raw
     * path. A failed request is finished by the failure handler's route, which has no path: its
     * template is rebuilt from the path parameters of the route that failed.
     */
    private static String uriOf(RoutingContext context, int status) {
        String template = context.get(ROUTE_TEMPLATE);
        if (template != null) {
            return template;
        }
        Route route = context.currentRoute();
        if (route != null && route.getPath() != null) {
            return TEMPLATES.computeIfAbsent(
                    route.getPath(), path -> PATH_PARAMETER.matcher(path).replaceAll("{$1}"));
        }
        if (context.failure() != null && !context.pathParams().isEmpty()) {
            String path = context.normalizedPath();
            for (Map.Entry<String, String> param : context.pathParams().entrySet()) {
                path = path.replace("/" + param.getValue(), "/{" + param.getKey() + "}");
            }
            return path;
        }
        return status == 404 ? "NOT_FOUND" : "UNKNOWN";
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
}
