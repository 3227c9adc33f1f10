package shop.defaults;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class LogLayoutTest {

    private final Logger logger = new LoggerContext().getLogger("shop.orders.order.OrderService");

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
                .isEqualTo(time + " INFO  OrderService: Order 1 PAID" + System.lineSeparator());
    }

    private LoggingEvent event(String instant, String message) {
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.INFO, message, null, null);
        event.setTimeStamp(Instant.parse(instant).toEpochMilli());
        return event;
    }
}
