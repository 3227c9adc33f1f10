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
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Metrics (Micrometer, scraped by Prometheus) and traces (OpenTelemetry, W3C trace context).
 *
 * <p>Traces are configured by the OpenTelemetry SDK's own autoconfiguration, so every {@code OTEL_*}
 * variable its documentation lists works as it says ({@code OTEL_EXPORTER_OTLP_ENDPOINT},
 * {@code OTEL_EXPORTER_OTLP_HEADERS}, {@code OTEL_RESOURCE_ATTRIBUTES}, {@code OTEL_SERVICE_NAME},
 * {@code OTEL_TRACES_SAMPLER}, ...). Shop's defaults, each replaced by the variable that sets it:
 * the service's name as {@code service.name}; OTLP over HTTP ({@code http/protobuf}); W3C trace
 * context alone as the propagator; no OpenTelemetry metrics or logs (Prometheus has the metrics,
 * standard output the logs); spans exported only when an OTLP endpoint is given; and every request
 * traced, a caller's sampling decision kept ({@code SHOP_TRACE_SAMPLING}, a ratio from 0 to 1,
 * default 1.0, the same as {@code OTEL_TRACES_SAMPLER=parentbased_traceidratio}).
 */
record Telemetry(PrometheusMeterRegistry registry, OpenTelemetrySdk openTelemetry, String sampling) {

    private static final Pattern PROPERTY = Pattern.compile("otel(\\.[a-z0-9_-]+)+");

    static Telemetry start(String service, Settings settings) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        bindRuntimeMetrics(registry);
        OpenTelemetrySdk openTelemetry = openTelemetry(service, settings);
        return new Telemetry(
                registry,
                openTelemetry,
                openTelemetry.getSdkTracerProvider().getSampler().getDescription());
    }

    /** The SDK as the {@code OTEL_*} settings and Shop's defaults make it; refuses (throws) a bad setting. */
    static OpenTelemetrySdk openTelemetry(String service, Settings settings) {
        Optional<BigDecimal> ratio = settings.optional("SHOP_TRACE_SAMPLING").map(value -> ratio(settings));
        try {
            return AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> defaults(settings))
                    .addPropertiesCustomizer(config -> decided(service, ratio, config))
                    // With no processor at all the SDK hands out no-op spans, and logs would carry no trace id.
                    .addTracerProviderCustomizer((tracing, config) -> tracing.addSpanProcessor(new KeepNoSpans()))
                    // The runtime flushes the last spans itself, once the requests in flight have finished.
                    .disableShutdownHook()
                    .build()
                    .getOpenTelemetrySdk();
        } catch (ConfigurationException e) {
            throw refusal(e);
        }
    }

    private static BigDecimal ratio(Settings settings) {
        BigDecimal ratio = settings.decimal("SHOP_TRACE_SAMPLING", BigDecimal.ONE);
        if (ratio.signum() < 0 || ratio.compareTo(BigDecimal.ONE) > 0) {
            throw new IllegalArgumentException("SHOP_TRACE_SAMPLING must be a ratio from 0 to 1");
        }
        return ratio;
    }

    /**
     * Shop's fixed defaults, then the {@code OTEL_*} values of {@code settings} as the SDK's
     * properties: the SDK reads the environment too, but a service started with settings of its
     * own (a test's) is configured by those.
     */
    private static Map<String, String> defaults(Settings settings) {
        Map<String, String> properties = new HashMap<>(Map.of(
                "otel.exporter.otlp.protocol", "http/protobuf",
                "otel.propagators", "tracecontext",
                "otel.metrics.exporter", "none",
                "otel.logs.exporter", "none"));
        settings.startingWith("OTEL_")
                .forEach((name, value) ->
                        properties.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value));
        return properties;
    }

    /** The defaults that depend on what else is set, decided once every source is read. */
    private static Map<String, String> decided(String service, Optional<BigDecimal> ratio, ConfigProperties config) {
        Map<String, String> decided = new HashMap<>();
        if (config.getString("otel.traces.exporter") == null) {
            boolean endpoint = config.getString("otel.exporter.otlp.traces.endpoint") != null
                    || config.getString("otel.exporter.otlp.endpoint") != null;
            decided.put("otel.traces.exporter", endpoint ? "otlp" : "none");
        }
        String sampler = config.getString("otel.traces.sampler");
        String argument = config.getString("otel.traces.sampler.arg");
        if (ratio.isPresent() && (sampler != null || argument != null)) {
            // Whichever won, the other would be silently ignored.
            throw new IllegalArgumentException(
                    "SHOP_TRACE_SAMPLING and OTEL_TRACES_SAMPLER(_ARG) both choose the sampler: set one");
        }
        if (sampler == null) {
            decided.put("otel.traces.sampler", "parentbased_traceidratio");
            if (argument == null) {
                decided.put(
                        "otel.traces.sampler.arg", ratio.orElse(BigDecimal.ONE).toPlainString());
            }
        }
        if (config.getString("otel.service.name") == null
                && !config.getMap("otel.resource.attributes").containsKey("service.name")) {
            decided.put("otel.service.name", service);
        }
        return decided;
    }

    /**
     * The SDK's complaint, naming the variable rather than the property. A map's entries are not
     * repeated: {@code OTEL_EXPORTER_OTLP_HEADERS} carries the collector's credentials.
     */
    private static IllegalArgumentException refusal(ConfigurationException e) {
        String message = String.valueOf(e.getMessage());
        if (message.startsWith("Invalid map property")) {
            return new IllegalArgumentException("OTEL_EXPORTER_OTLP_HEADERS, OTEL_RESOURCE_ATTRIBUTES and the other"
                    + " OTEL_* lists must be key=value pairs separated by commas");
        }
        Matcher property = PROPERTY.matcher(message);
        StringBuilder named = new StringBuilder();
        while (property.find()) {
            property.appendReplacement(
                    named,
                    property.group().toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
        }
        property.appendTail(named);
        return new IllegalArgumentException("An OpenTelemetry setting is wrong: " + named, e);
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
