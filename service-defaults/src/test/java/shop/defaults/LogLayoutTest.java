package shop.defaults;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

class LogLayoutTest {

    /** A logger of order-service's, by name (its class is not on this module's classpath). */
    private static final String LOGGER = "shop.orders.order.PlaceOrder";

    private final Logger logger = logger();

    private static Logger logger() {
        LoggerContext context = new LoggerContext();
        // As a started context has: the events' MDC is read from it.
        context.setMDCAdapter(new LogbackMDCAdapter());
        return context.getLogger(LOGGER);
    }

    @Test
    void writesTheTimestampToTheMillisecondInJson() {
        LogLayout layout = new LogLayout(true);
        assertThat(layout.doLayout(event("2026-11-29T03:04:05.007Z", "placed")))
                .startsWith(
                        "{\"@timestamp\":\"2026-11-29T03:04:05.007Z\",\"log.level\":\"INFO\",\"message\":\"placed\"")
                .endsWith("}" + System.lineSeparator());
        // The same second again, then the next one, and a whole second: each line its own time.
        assertThat(layout.doLayout(event("2026-11-29T03:04:05.950Z", "again")))
                .contains("\"2026-11-29T03:04:05.950Z\"");
        assertThat(layout.doLayout(event("2026-11-29T03:04:06Z", "next"))).contains("\"2026-11-29T03:04:06.000Z\"");
        assertThat(layout.doLayout(event("1969-12-31T23:59:59.999Z", "before 1970")))
                .contains("\"1969-12-31T23:59:59.999Z\"");
    }

    @Test
    void writesTheLocalTimeOfDayInTheReadableLine() {
        LogLayout layout = new LogLayout(false);
        Instant at = Instant.parse("2026-11-29T03:04:05.042Z");
        String time =
                DateTimeFormatter.ofPattern("HH:mm:ss.SSS").format(LocalTime.ofInstant(at, ZoneId.systemDefault()));
        assertThat(layout.doLayout(event(at.toString(), "Order 1 PAID")))
                .isEqualTo(time + " INFO  PlaceOrder: Order 1 PAID" + System.lineSeparator());
    }

    @Test
    void writesEcsFieldsTheTraceThePairsAndTheError() throws Exception {
        LogLayout layout = new LogLayout(true);
        LoggingEvent event = event("2026-11-29T03:04:05.007Z", "Order 1 PAID");
        event.addKeyValuePair(new KeyValuePair("order.id", "1"));
        event.addKeyValuePair(new KeyValuePair("attempts", 2));
        event.addKeyValuePair(new KeyValuePair("message", "not the message"));
        event.setMDCPropertyMap(Map.of("tenant", "north"));
        event.setThrowableProxy(new ThrowableProxy(new IllegalStateException("payment-service is away")));
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String spanId = "00f067aa0ba902b7";
        SpanContext span = SpanContext.create(traceId, spanId, TraceFlags.getSampled(), TraceState.getDefault());
        String line;
        try (Scope ignored = Span.wrap(span).makeCurrent()) {
            line = layout.doLayout(event);
        }
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("@timestamp").asText()).isEqualTo("2026-11-29T03:04:05.007Z");
        assertThat(json.get("log.level").asText()).isEqualTo("INFO");
        assertThat(json.get("message").asText()).isEqualTo("Order 1 PAID");
        assertThat(json.get("ecs.version").asText()).isEqualTo("1.2.0");
        assertThat(json.get("log.logger").asText()).isEqualTo(LOGGER);
        assertThat(json.has("service.name")).isTrue();
        assertThat(json.get("trace.id").asText()).isEqualTo(traceId);
        assertThat(json.get("span.id").asText()).isEqualTo(spanId);
        assertThat(json.has("traceId")).isFalse();
        assertThat(json.get("error.type").asText()).isEqualTo(IllegalStateException.class.getName());
        assertThat(json.get("error.message").asText()).isEqualTo("payment-service is away");
        assertThat(json.get("error.stack_trace").asText()).contains("LogLayoutTest");
        assertThat(json.get("order.id").asText()).isEqualTo("1");
        assertThat(json.get("attempts").asText()).isEqualTo("2");
        assertThat(json.get("labels.message").asText()).isEqualTo("not the message");
        assertThat(json.get("tenant").asText()).isEqualTo("north");
    }

    @Test
    void neverWritesTheValueOfAPairThatNamesASecret() {
        LoggingEvent event = event("2026-11-29T03:04:05.007Z", "charged");
        event.addKeyValuePair(new KeyValuePair("paymentMethod", "4242424242424242"));
        event.addKeyValuePair(new KeyValuePair("db.password", "hunter2"));
        event.addKeyValuePair(new KeyValuePair("api_key", "sk-123"));
        for (boolean json : new boolean[] {true, false}) {
            assertThat(new LogLayout(json).doLayout(event))
                    .doesNotContain("4242424242424242", "hunter2", "sk-123")
                    .contains("[REDACTED]");
        }
    }

    @Test
    void addsThePairsToTheReadableLine() {
        LoggingEvent event = event("2026-11-29T03:04:05.007Z", "Order 1 PAID");
        event.addKeyValuePair(new KeyValuePair("order.id", "1"));
        assertThat(new LogLayout(false).doLayout(event)).endsWith("Order 1 PAID order.id=1" + System.lineSeparator());
    }

    private LoggingEvent event(String instant, String message) {
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.INFO, message, null, null);
        event.setTimeStamp(Instant.parse(instant).toEpochMilli());
        return event;
    }
}
