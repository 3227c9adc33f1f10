package shop.defaults;

import java.util.List;

/**
 * An error answer (RFC 9457): its HTTP status, a stable type slug that clients may switch on
 * ({@code urn:shop:problem:<slug>}), a sentence for people, and the fields at fault. The detail
 * never repeats what the client sent.
 */
public record Problem(int status, String slug, String detail, List<FieldError> errors) {

    public record FieldError(String field, String message) {}

    public Problem {
        errors = List.copyOf(errors);
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
}
