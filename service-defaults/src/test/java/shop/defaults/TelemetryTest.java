package shop.defaults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadableSpan;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The OTEL_* settings, read by the SDK's autoconfiguration, over Shop's defaults. */
class TelemetryTest {

    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

    @Test
    void tracesEveryRequestUnderTheServicesNameAndExportsNothingByDefault() {
        try (OpenTelemetrySdk sdk = Telemetry.openTelemetry("test-service", Settings.of(Map.of()))) {
            assertThat(sdk.getSdkTracerProvider().getSampler().getDescription())
                    .startsWith("ParentBased{root:TraceIdRatioBased{1.000000}");
            assertThat(resourceOf(sdk).getAttribute(SERVICE_NAME)).isEqualTo("test-service");
            assertThat(sdk.getSdkTracerProvider().toString()).doesNotContain("BatchSpanProcessor");
            assertThat(sdk.getPropagators().getTextMapPropagator().fields())
                    .containsExactly("traceparent", "tracestate");
        }
    }

    @Test
    void takesTheResourceAttributesAndTheSamplerFromOtelSettings() {
        Settings settings = Settings.of(Map.of(
                "OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=staging,team=payments",
                "OTEL_TRACES_SAMPLER", "always_on"));
        try (OpenTelemetrySdk sdk = Telemetry.openTelemetry("test-service", settings)) {
            assertThat(sdk.getSdkTracerProvider().getSampler().getDescription()).isEqualTo("AlwaysOnSampler");
            Resource resource = resourceOf(sdk);
            assertThat(resource.getAttribute(AttributeKey.stringKey("deployment.environment")))
                    .isEqualTo("staging");
            assertThat(resource.getAttribute(AttributeKey.stringKey("team"))).isEqualTo("payments");
            assertThat(resource.getAttribute(SERVICE_NAME)).isEqualTo("test-service");
        }
        try (OpenTelemetrySdk sdk =
                Telemetry.openTelemetry("test-service", Settings.of(Map.of("OTEL_TRACES_SAMPLER", "always_off")))) {
            Span span = sdk.getTracer("test").spanBuilder("unsampled").startSpan();
            assertThat(span.getSpanContext().isSampled()).isFalse();
            assertThat(span.getSpanContext().isValid())
                    .as("its ids still go into the logs")
                    .isTrue();
        }
    }

    @Test
    void letsTheOperatorNameTheService() {
        try (OpenTelemetrySdk sdk =
                Telemetry.openTelemetry("test-service", Settings.of(Map.of("OTEL_SERVICE_NAME", "orders-eu")))) {
            assertThat(resourceOf(sdk).getAttribute(SERVICE_NAME)).isEqualTo("orders-eu");
        }
        try (OpenTelemetrySdk sdk = Telemetry.openTelemetry(
                "test-service", Settings.of(Map.of("OTEL_RESOURCE_ATTRIBUTES", "service.name=orders-us")))) {
            assertThat(resourceOf(sdk).getAttribute(SERVICE_NAME)).isEqualTo("orders-us");
        }
    }

    @Test
    void samplesTheRatioOfShopTraceSampling() {
        try (OpenTelemetrySdk sdk =
                Telemetry.openTelemetry("test-service", Settings.of(Map.of("SHOP_TRACE_SAMPLING", "0.25")))) {
            assertThat(sdk.getSdkTracerProvider().getSampler().getDescription())
                    .startsWith("ParentBased{root:TraceIdRatioBased{0.250000}");
        }
    }

    @Test
    void exportsToTheOtlpEndpointWithItsHeaders() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/", exchange -> {
            received.add(exchange.getRequestURI().getPath() + " "
                    + exchange.getRequestHeaders().getFirst("X-Team"));
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        try (OpenTelemetrySdk sdk = Telemetry.openTelemetry(
                "test-service",
                Settings.of(Map.of(
                        "OTEL_EXPORTER_OTLP_ENDPOINT",
                        "http://127.0.0.1:" + collector.getAddress().getPort(),
                        "OTEL_EXPORTER_OTLP_HEADERS",
                        "x-team=shop")))) {
            sdk.getTracer("test").spanBuilder("exported").startSpan().end();
            sdk.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);
            assertThat(received).containsExactly("/v1/traces shop");
        } finally {
            collector.stop(0);
        }
    }

    @Test
    void refusesABadOtelSettingNamingTheVariable() {
        assertThatThrownBy(() -> Telemetry.openTelemetry(
                        "test-service", Settings.of(Map.of("OTEL_TRACES_SAMPLER", "sometimes"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OTEL_TRACES_SAMPLER")
                .hasMessageContaining("sometimes");
        assertThatThrownBy(() -> Telemetry.openTelemetry(
                        "test-service",
                        Settings.of(Map.of(
                                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318",
                                "OTEL_EXPORTER_OTLP_HEADERS", "authorization: hunter2"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OTEL_EXPORTER_OTLP_HEADERS")
                .hasNoCause()
                .message()
                .doesNotContain("hunter2");
        assertThatThrownBy(() -> Telemetry.openTelemetry(
                        "test-service",
                        Settings.of(Map.of("SHOP_TRACE_SAMPLING", "0.5", "OTEL_TRACES_SAMPLER", "always_on"))))
                .hasMessage("SHOP_TRACE_SAMPLING and OTEL_TRACES_SAMPLER(_ARG) both choose the sampler: set one");
        assertThatThrownBy(() ->
                        Telemetry.openTelemetry("test-service", Settings.of(Map.of("SHOP_TRACE_SAMPLING", "1.5"))))
                .hasMessage("SHOP_TRACE_SAMPLING must be a ratio from 0 to 1");
    }

    private static Resource resourceOf(OpenTelemetrySdk sdk) {
        // A span sampled whatever the sampler: its resource is the SDK's.
        Span span = sdk.getTracer("test").spanBuilder("resource").startSpan();
        try {
            if (span instanceof ReadableSpan readable) {
                return readable.toSpanData().getResource();
            }
        } finally {
            span.end();
        }
        throw new AssertionError("the span was not recorded: " + span);
    }
}
