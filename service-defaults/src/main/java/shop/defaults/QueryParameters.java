package shop.defaults;

import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A request's query parameters, each read with its bounds. What is wrong is collected, so that one
 * 400 names every bad parameter ({@link #check}); a message never repeats the value sent.
 */
public final class QueryParameters {

    private final RoutingContext context;
    private final List<Problem.FieldError> errors = new ArrayList<>(0);

    public QueryParameters(RoutingContext context) {
        this.context = context;
    }

    public @Nullable String text(String name) {
        String value = context.request().getParam(name);
        return value == null || value.isEmpty() ? null : value;
    }

    public String text(String name, String fallback) {
        String value = text(name);
        return value == null ? fallback : value;
    }

    public int integer(String name, int fallback, int min, int max) {
        String value = text(name);
        if (value == null) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // refused below, in the same words
        }
        return invalid(name, "must be a whole number from %d to %d".formatted(min, max), fallback);
    }

    public @Nullable UUID uuid(String name) {
        String value = text(name);
        try {
            return value == null ? null : UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return invalid(name, "must be a UUID", null);
        }
    }

    public boolean flag(String name) {
        String value = text(name, "false");
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> invalid(name, "must be true or false", false);
        };
    }

    /** Notes a parameter that is wrong for a reason of the caller's own. */
    public <T> T invalid(String name, String message, T fallback) {
        errors.add(new Problem.FieldError(name, message));
        return fallback;
    }

    /** Refuses the request (400, naming each bad parameter) if any was wrong. */
    public void check() {
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.invalid("The query parameters are not valid", errors));
        }
    }
}
