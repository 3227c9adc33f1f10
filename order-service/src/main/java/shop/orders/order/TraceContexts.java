package shop.orders.order;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Carries an order's trace from the request that placed it to the recovery job that finishes it
 * later, as a W3C {@code traceparent} kept with the order.
 */
@Component
class TraceContexts {

    private static final String TRACEPARENT = "traceparent";

    private final Tracer tracer;
    private final Propagator propagator;

    TraceContexts(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** The current trace as a {@code traceparent}, or null outside one. */
    @Nullable String current() {
        TraceContext context = tracer.currentTraceContext().context();
        if (context == null) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>();
        propagator.inject(context, carrier, Map::put);
        return carrier.get(TRACEPARENT);
    }

    /** Runs work in a new span of the given trace (or of a new one). */
    <T> T inTrace(@Nullable String traceParent, String spanName, Supplier<T> work) {
        Span span = traceParent == null ? tracer.nextSpan().name(spanName).start()
                : propagator.extract(Map.of(TRACEPARENT, traceParent), Map::get).name(spanName).start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            return work.get();
        }
        finally {
            span.end();
        }
    }
}
