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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import org.slf4j.event.KeyValuePair;

/**
 * A log line with the trace it belongs to: in production one JSON object in the Elastic Common
 * Schema's logging form ({@code @timestamp}, {@code log.level}, {@code message}, {@code
 * ecs.version}, {@code service.name}, {@code log.logger}, {@code trace.id}, {@code span.id},
 * {@code error.*}, and each of the event's key-value pairs and MDC entries as a field of its own),
 * in the local profile a readable line with {@code [traceId-spanId]}. The trace is the current
 * OpenTelemetry span's, which Vert.x keeps per request on the event loop. A pair whose key names a
 * secret (a password, key, token, card) is written with its value replaced.
 */
public class LogLayout extends LayoutBase<ILoggingEvent> {

    /** The version of the Elastic Common Schema the JSON lines follow, as Elastic's own ECS loggers write it. */
    static final String ECS_VERSION = "1.2.0";

    private static final Set<String> OWN_FIELDS = Set.of(
            "@timestamp",
            "log.level",
            "message",
            "ecs.version",
            "log.logger",
            "process.thread.name",
            "service.name",
            "trace.id",
            "span.id",
            "error.type",
            "error.message",
            "error.stack_trace");
    private static final Pattern SECRET =
            Pattern.compile("(?i)password|secret|token|key|authorization|credential|card|payment.?method");
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
        line.append(shortName(event.getLoggerName())).append(": ").append(event.getFormattedMessage());
        pairs(event, (key, value) -> line.append(' ').append(key).append('=').append(value));
        line.append(CoreConstants.LINE_SEPARATOR);
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
        field(line, "ecs.version", ECS_VERSION);
        field(line, "log.logger", event.getLoggerName());
        field(line, "process.thread.name", event.getThreadName());
        field(line, "service.name", System.getProperty("shop.service", "shop"));
        if (span.isValid()) {
            field(line, "trace.id", span.getTraceId());
            field(line, "span.id", span.getSpanId());
        }
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            field(line, "error.type", thrown.getClassName());
            field(line, "error.message", String.valueOf(thrown.getMessage()));
            field(line, "error.stack_trace", ThrowableProxyUtil.asString(thrown));
        }
        pairs(event, (key, value) -> {
            // A pair never replaces one of the line's own fields: it goes under labels instead.
            field(line, OWN_FIELDS.contains(key) ? "labels." + key : key, value);
        });
        line.setLength(line.length() - 1);
        return line.append('}').append(CoreConstants.LINE_SEPARATOR).toString();
    }

    /** The event's key-value pairs, then its MDC entries, each value as text, secrets replaced. */
    private static void pairs(ILoggingEvent event, BiConsumer<String, String> each) {
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs != null) {
            for (KeyValuePair pair : pairs) {
                each.accept(pair.key, shown(pair.key, String.valueOf(pair.value)));
            }
        }
        Map<String, String> mdc = event.getMDCPropertyMap();
        if (mdc != null) {
            mdc.forEach((key, value) -> each.accept(key, shown(key, String.valueOf(value))));
        }
    }

    private static String shown(String key, String value) {
        return SECRET.matcher(key).find() ? "[REDACTED]" : value;
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
