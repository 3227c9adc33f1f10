package shop.defaults;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service's configuration, read from the environment with local defaults. A value that is set
 * but wrong is refused with the variable's name, so a service with a bad setting does not start.
 * Names are Spring's relaxed-binding form of the former properties ({@code shop.orders.max-pending}
 * is {@code SHOP_ORDERS_MAX_PENDING}), so existing deployments keep their variables.
 */
public final class Settings {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final Pattern ADDRESS = Pattern.compile("[0-9A-Za-z.-]+|[0-9A-Fa-f.]*(:[0-9A-Fa-f.]*){2,}");

    private final Map<String, String> values;

    private Settings(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static Settings fromEnvironment() {
        return new Settings(System.getenv());
    }

    public static Settings of(Map<String, String> values) {
        return new Settings(values);
    }

    /** These settings with one more value (or a value replaced). */
    public Settings with(String name, String value) {
        Map<String, String> copy = new HashMap<>(values);
        copy.put(name, value);
        return new Settings(copy);
    }

    /**
     * True in the local profile ({@code SHOP_PROFILE=local}); {@code production}, the default, is
     * the only other. A misspelt profile is refused rather than taken for either.
     */
    public boolean local() {
        return switch (text("SHOP_PROFILE", "production")) {
            case "local" -> true;
            case "production" -> false;
            default -> throw new IllegalArgumentException("SHOP_PROFILE must be local or production");
        };
    }

    public Optional<String> optional(String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    /** The values whose names start with {@code prefix} (blank ones left out), by name. */
    public Map<String, String> startingWith(String prefix) {
        Map<String, String> found = new HashMap<>();
        values.forEach((name, value) -> {
            if (name.startsWith(prefix) && !value.isBlank()) {
                found.put(name, value.strip());
            }
        });
        return Map.copyOf(found);
    }

    public String text(String name, String fallback) {
        return optional(name).orElse(fallback);
    }

    public int integer(String name, int fallback, int min, int max) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value.get());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("%s must be a whole number from %d to %d".formatted(name, min, max));
    }

    public BigDecimal decimal(String name, BigDecimal fallback) {
        Optional<String> value = optional(name);
        try {
            return value.map(BigDecimal::new).orElse(fallback);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a decimal number", e);
        }
    }

    /** A duration written as {@code 500ms}, {@code 3s}, {@code 2m} or {@code 1h}. */
    public Duration duration(String name, Duration fallback) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return fallback;
        }
        Matcher matcher = DURATION.matcher(value.get());
        if (!matcher.matches() || matcher.group(1).length() > 9) {
            throw new IllegalArgumentException(name + " must be a duration such as 500ms, 3s, 2m or 1h");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }

    /** As {@link #duration}, refusing zero: for timeouts, deadlines and the periods of timers. */
    public Duration positiveDuration(String name, Duration fallback) {
        Duration value = duration(name, fallback);
        if (value.isZero()) {
            throw new IllegalArgumentException(name + " must be longer than 0");
        }
        return value;
    }

    /**
     * An address to listen on: an IPv4 or IPv6 literal or a host name, not a URL or a port
     * (refused here, rather than by the server with no word of the setting).
     */
    public String address(String name, String fallback) {
        String value = text(name, fallback);
        if (!ADDRESS.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    name + " must be an address to listen on, such as 127.0.0.1, 0.0.0.0 or ::");
        }
        return value;
    }

    public boolean flag(String name, boolean fallback) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return fallback;
        }
        return switch (value.get().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false");
        };
    }
}
