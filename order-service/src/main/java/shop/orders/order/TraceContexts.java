package shop.orders.order;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Carries an order's trace from the request that placed it to the recovery job that finishes it
 * later, as a W3C {@code traceparent} kept with the order. Vert.x keeps the current trace in the
 * locals of a (duplicated) context, not in a thread: a retry runs on a duplicated context of its
 * own with the order's trace made current there, so its calls to payment-service carry it on.
 */
final class TraceContexts {

    private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public @Nullable String get(@Nullable Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final Vertx vertx;
    private final Tracer tracer;

    TraceContexts(Vertx vertx, OpenTelemetry openTelemetry) {
        this.vertx = vertx;
        this.tracer = openTelemetry.getTracer("shop.orders");
    }

    /** The current trace as a {@code traceparent}, or null outside one. */
    @Nullable
    String current() {
        SpanContext span = Span.current().getSpanContext();
        if (!span.isValid()) {
            return null;
        }
        return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-"
                + span.getTraceFlags().asHex();
    }

    /** Runs work in a new span of the given trace (or of a new one), on a context of its own. */
    <T> Future<T> inTrace(@Nullable String traceParent, String spanName, Supplier<Future<T>> work) {
        Context parent = traceParent == null
                ? Context.root()
                : W3CTraceContextPropagator.getInstance()
                        .extract(Context.root(), Map.of("traceparent", traceParent), GETTER);
        // Vert.x's internal view of a context: in 5.0.7 only it makes a duplicated context (with
        // locals of its own, where the trace goes); the public Context has no way to.
        ContextInternal own = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
        Promise<T> done = own.promise();
        own.runOnContext(start -> {
            Span span = tracer.spanBuilder(spanName).setParent(parent).startSpan();
            Scope scope = parent.with(span).makeCurrent();
            Future<T> result;
            try {
                result = work.get();
            } catch (RuntimeException e) {
                result = Future.failedFuture(e);
            }
            result.onComplete(outcome -> {
                if (outcome.failed()) {
                    span.setStatus(StatusCode.ERROR);
                }
                span.end();
                scope.close();
                done.handle(outcome);
            });
        });
        return done.future();
    }
}
