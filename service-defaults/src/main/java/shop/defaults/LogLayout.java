package shop.defaults;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * A log line with the trace it belongs to: in production one JSON object (Elastic Common Schema
 * names, plus {@code traceId} and {@code spanId}), in the local profile a readable line with
 * {@code [traceId-spanId]}. The trace is the current OpenTelemetry span's, which Vert.x keeps per
 * request on the event loop.
 */
public class LogLayout extends LayoutBase<ILoggingEvent> {

    private static final DateTimeFormatter LOCAL_TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    private final boolean json = !"local".equals(System.getenv("SHOP_PROFILE"));

    @Override
    public String doLayout(ILoggingEvent event) {
        SpanContext span = Span.current().getSpanContext();
        return json ? json(event, span) : readable(event, span);
    }

    private static String readable(ILoggingEvent event, SpanContext span) {
        StringBuilder line = new StringBuilder(128)
                .append(LOCAL_TIME.format(Instant.ofEpochMilli(event.getTimeStamp())))
                .append(' ')
                .append(event.getLevel())
                .append(event.getLevel().toString().length() == 4 ? "  " : " ");
        if (span.isValid()) {
            line.append('[')
                    .append(span.getTraceId())
                    .append('-')
                    .append(span.getSpanId())
                    .append("] ");
        }
        line.append(shortName(event.getLoggerName()))
                .append(": ")
                .append(event.getFormattedMessage())
                .append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(ThrowableProxyUtil.asString(thrown)).append(CoreConstants.LINE_SEPARATOR);
        }
        return line.toString();
    }

    private static String json(ILoggingEvent event, SpanContext span) {
        StringBuilder line = new StringBuilder(256).append('{');
        field(line, "@timestamp", Instant.ofEpochMilli(event.getTimeStamp()).toString());
        field(line, "log.level", event.getLevel().toString());
        field(line, "message", event.getFormattedMessage());
        field(line, "log.logger", event.getLoggerName());
        field(line, "process.thread.name", event.getThreadName());
        field(line, "service.name", System.getProperty("shop.service", "shop"));
        if (span.isValid()) {
            field(line, "traceId", span.getTraceId());
            field(line, "spanId", span.getSpanId());
        }
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            field(line, "error.type", thrown.getClassName());
            field(line, "error.message", String.valueOf(thrown.getMessage()));
            field(line, "error.stack_trace", ThrowableProxyUtil.asString(thrown));
        }
        line.setLength(line.length() - 1);
        return line.append('}').append(CoreConstants.LINE_SEPARATOR).toString();
    }

    private static void field(StringBuilder line, String name, String value) {
        line.append('"').append(name).append("\":\"");
        JsonStringEncoder.getInstance().quoteAsString(value, line);
        line.append("\",");
    }

    private static String shortName(String logger) {
        int dot = logger.lastIndexOf('.');
        return dot < 0 ? logger : logger.substring(dot + 1);
    }
}
