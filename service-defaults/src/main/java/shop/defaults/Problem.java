package shop.defaults;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An error answer (RFC 9457): its HTTP status, a stable type slug that clients may switch on
 * ({@code urn:shop:problem:<slug>}), a sentence for people, the fields at fault, members of its
 * own (such as the catalog's price in a price mismatch) and when to retry. The detail never
 * repeats what the client sent.
 */
public record Problem(
        int status,
        String slug,
        String detail,
        List<FieldError> errors,
        Map<String, Object> members,
        Duration retryAfter) {

    public record FieldError(String field, String message) {}

    public Problem {
        errors = List.copyOf(errors);
        members = Map.copyOf(members);
    }

    public Problem(int status, String slug, String detail, List<FieldError> errors) {
        this(status, slug, detail, errors, Map.of(), Duration.ZERO);
    }

    public static Problem of(int status, String slug, String detail) {
        return new Problem(status, slug, detail, List.of());
    }

    public static Problem invalid(String detail, List<FieldError> errors) {
        return new Problem(400, "invalid-request", detail, errors);
    }

    public static Problem invalidField(String field, String message) {
        return invalid("The request is not valid", List.of(new FieldError(field, message)));
    }

    /** This problem with a member of its own in the body (RFC 9457's extension members). */
    public Problem with(String member, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(members);
        more.put(member, value);
        return new Problem(status, slug, detail, errors, more, retryAfter);
    }

    /** This problem with a {@code Retry-After} header, in whole seconds. */
    public Problem retryAfter(Duration after) {
        return new Problem(status, slug, detail, errors, members, after);
    }
}
