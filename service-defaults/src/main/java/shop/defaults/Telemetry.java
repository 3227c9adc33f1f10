package shop.defaults;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;

/**
 * Metrics (Micrometer, scraped by Prometheus) and traces (OpenTelemetry, W3C trace context).
 * Every request is traced by default ({@code SHOP_TRACE_SAMPLING}, a ratio from 0 to 1, default
 * 1.0; a caller's sampling decision is kept); spans leave the process only when
 * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} names a collector (OTLP over HTTP).
 */
record Telemetry(PrometheusMeterRegistry registry, OpenTelemetrySdk openTelemetry, double sampling) {

    static Telemetry start(String service, Settings settings) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        bindRuntimeMetrics(registry);
        double sampling = settings.decimal("SHOP_TRACE_SAMPLING", java.math.BigDecimal.ONE)
                .doubleValue();
        if (sampling < 0 || sampling > 1) {
            throw new IllegalArgumentException("SHOP_TRACE_SAMPLING must be a ratio from 0 to 1");
        }
        SdkTracerProviderBuilder tracing = SdkTracerProvider.builder()
                .setResource(Resource.getDefault()
                        .merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service))))
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(sampling)));
        settings.optional("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
                .ifPresentOrElse(
                        endpoint -> tracing.addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                                        .setEndpoint(endpoint)
                                        .build())
                                .build()),
                        // With no processor at all the SDK hands out no-op spans, and logs would carry no trace id.
                        () -> tracing.addSpanProcessor(new KeepNoSpans()));
        OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
                .setTracerProvider(tracing.build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        return new Telemetry(registry, openTelemetry, sampling);
    }

    private static void bindRuntimeMetrics(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** Spans are made (their ids go into logs and to the next service) but kept nowhere. */
    private static final class KeepNoSpans implements SpanProcessor {

        @Override
        public void onStart(Context parentContext, ReadWriteSpan span) {}

        @Override
        public boolean isStartRequired() {
            return false;
        }

        @Override
        public void onEnd(ReadableSpan span) {}

        @Override
        public boolean isEndRequired() {
            return false;
        }
    }
}
