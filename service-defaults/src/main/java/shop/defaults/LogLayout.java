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
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A log line with the trace it belongs to: in production one JSON object (Elastic Common Schema
 * names, plus {@code traceId} and {@code spanId}), in the local profile a readable line with
 * {@code [traceId-spanId]}. The trace is the current OpenTelemetry span's, which Vert.x keeps per
 * request on the event loop.
 */
public class LogLayout extends LayoutBase<ILoggingEvent> {

    private static final DateTimeFormatter LOCAL_SECOND =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter UTC_SECOND =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    /**
     * The second a thread last wrote, formatted: a line's time is that and its milliseconds, since
     * formatting a whole instant for each line was most of a line's cost.
     */
    private record Second(long epochSecond, String local, String utc) {}

    private static final ThreadLocal<Second> LAST_SECOND = ThreadLocal.withInitial(() -> new Second(-1, "", ""));
    private final boolean json;

    public LogLayout() {
        this(!"local".equals(System.getenv("SHOP_PROFILE")));
    }

    LogLayout(boolean json) {
        this.json = json;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        SpanContext span = Span.current().getSpanContext();
        return json ? json(event, span) : readable(event, span);
    }

    private static String readable(ILoggingEvent event, SpanContext span) {
        StringBuilder line =
                new StringBuilder(128).append(second(event.getTimeStamp()).local());
        milliseconds(line, event.getTimeStamp())
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
        line.append("\"@timestamp\":\"").append(second(event.getTimeStamp()).utc());
        milliseconds(line, event.getTimeStamp()).append("Z\",");
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

    private static Second second(long epochMilli) {
        long epochSecond = Math.floorDiv(epochMilli, 1000);
        Second second = LAST_SECOND.get();
        if (second.epochSecond() != epochSecond) {
            Instant instant = Instant.ofEpochSecond(epochSecond);
            second = new Second(epochSecond, LOCAL_SECOND.format(instant), UTC_SECOND.format(instant));
            LAST_SECOND.set(second);
        }
        return second;
    }

    /** {@code .SSS}: the milliseconds of the second. */
    private static StringBuilder milliseconds(StringBuilder line, long epochMilli) {
        int millis = (int) Math.floorMod(epochMilli, 1000);
        return line.append('.')
                .append((char) ('0' + millis / 100))
                .append((char) ('0' + millis / 10 % 10))
                .append((char) ('0' + millis % 10));
    }

    private static String shortName(String logger) {
        int dot = logger.lastIndexOf('.');
        return dot < 0 ? logger : logger.substring(dot + 1);
    }
}
