package shop.gateway;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shop.defaults.Caller;
import shop.defaults.HttpMetrics;
import shop.gateway.auth.Authentication;

/**
 * One line per request, when its answer is sent (or its connection closed first): method, route
 * template, status, duration, the caller's role and the trace id. Never the raw method, path or
 * query (they may carry anything a client sent), never a key, token or card number.
 */
final class AccessLog {

    private static final Logger log = LoggerFactory.getLogger("shop.gateway.access");

    private AccessLog() {}

    static Handler<RoutingContext> handler() {
        return context -> {
            if (log.isInfoEnabled()) {
                long started = System.nanoTime();
                // The request's span is current here, in its handlers; no longer when the answer has gone.
                SpanContext span = Span.current().getSpanContext();
                String trace = span.isValid() ? span.getTraceId() : "-";
                context.addEndHandler(
                        done -> log.info(line(context, HttpMetrics.statusOf(context, done), started, trace)));
            }
            context.next();
        };
    }

    /** The line: method, route and status as the metrics label them (from closed sets, whatever the client sent). */
    static String line(RoutingContext context, String status, long startedNanos, String trace) {
        Caller caller = Authentication.caller(context);
        // Concatenated, not formatted: a Formatter per request was a few percent of the gateway's CPU.
        return HttpMetrics.methodOf(context) + " " + HttpMetrics.routeOf(context) + " " + status + " "
                + (System.nanoTime() - startedNanos) / 1_000_000 + " ms role="
                + (caller == null ? "anonymous" : caller.role().name().toLowerCase(Locale.ROOT)) + " trace=" + trace;
    }
}
