package shop.defaults;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * The levels of chosen loggers, {@code SHOP_LOG_LEVELS=shop.gateway.routing=DEBUG,io.vertx=WARN}:
 * set over whatever configured the logs (Shop's own or a {@code logback.configurationFile}).
 *
 * @param levels each logger's level, in the order given
 */
record LogLevels(Map<String, Level> levels) {

    private static final Set<String> NAMES = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    LogLevels {
        levels = Collections.unmodifiableMap(new LinkedHashMap<>(levels));
    }

    static LogLevels from(Settings settings) {
        return parse(settings.text("SHOP_LOG_LEVELS", ""));
    }

    /** Refuses (throws) anything but {@code logger=LEVEL} pairs separated by commas, naming the bad entry. */
    static LogLevels parse(String text) {
        Map<String, Level> levels = new LinkedHashMap<>();
        if (text.isBlank()) {
            return new LogLevels(levels);
        }
        for (String entry : text.split(",")) {
            String[] parts = entry.strip().split("=", 2);
            if (parts.length != 2 || parts[0].isBlank()) {
                throw new IllegalArgumentException("SHOP_LOG_LEVELS must be logger=LEVEL pairs separated by commas,"
                        + " such as shop.gateway.routing=DEBUG,io.vertx=WARN (not \"" + entry.strip() + "\")");
            }
            String level = parts[1].strip().toUpperCase(Locale.ROOT);
            if (!NAMES.contains(level)) {
                throw new IllegalArgumentException("SHOP_LOG_LEVELS: \"" + parts[1].strip() + "\" (for "
                        + parts[0].strip() + ") is not a level: TRACE, DEBUG, INFO, WARN, ERROR or OFF");
            }
            levels.put(parts[0].strip(), Level.toLevel(level));
        }
        return new LogLevels(levels);
    }

    /** Sets the levels, where Logback is what logs. */
    void apply() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            levels.forEach((logger, level) -> context.getLogger(logger).setLevel(level));
        }
    }
}
