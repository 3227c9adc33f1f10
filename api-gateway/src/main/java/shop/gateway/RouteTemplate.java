package shop.gateway;

import io.vertx.ext.web.RoutingContext;
import shop.defaults.HttpMetrics;

/**
 * The template of the route a request matched ({@code /orders/{id}}), for metrics, the access log
 * and the logs, which must never show a raw path. The gateway's routes live in a sub-router built
 * from the contract, where the parent router's current route is only the mount point; so each
 * route names its template on the request, where the runtime's metrics and logs read it.
 */
public final class RouteTemplate {

    private RouteTemplate() {}

    static void set(RoutingContext context, String template) {
        context.put(HttpMetrics.ROUTE_TEMPLATE, template);
    }

    /** The template, or {@value HttpMetrics#UNMATCHED} for a request that matched no route of the API. */
    public static String of(RoutingContext context) {
        return context.get(HttpMetrics.ROUTE_TEMPLATE, HttpMetrics.UNMATCHED);
    }
}
