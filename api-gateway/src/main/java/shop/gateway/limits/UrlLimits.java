package shop.gateway.limits;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import shop.defaults.Problem;
import shop.defaults.ProblemException;

/**
 * Refuses a URL the gateway will not take apart or pass on (400, never a 500): a character
 * outside printable ASCII (a URL carries anything else percent-encoded), more than
 * {@value #MAX_PARAMETERS} query parameters, or a query that does not decode.
 */
public final class UrlLimits {

    static final int MAX_PARAMETERS = 1_000;

    private UrlLimits() {}

    /** The handler. */
    public static void check(RoutingContext context) {
        String uri = context.request().uri();
        if (!printableAscii(uri)) {
            // Not HTTP (RFC 9112 allows no such byte in a request target): answer, then close the connection.
            context.response().putHeader(HttpHeaders.CONNECTION, "close");
            context.fail(invalid("(url)", "The URL has characters that must be percent-encoded"));
            return;
        }
        String query = context.request().query();
        if (query == null || query.isEmpty()) {
            context.next();
            return;
        }
        if (query.chars().filter(c -> c == '&').count() >= MAX_PARAMETERS) {
            context.fail(invalid("(query)", "The query has more than %d parameters".formatted(MAX_PARAMETERS)));
            return;
        }
        try {
            context.queryParams();
        } catch (RuntimeException e) {
            context.fail(invalid("(query)", "The query is not well-formed"));
            return;
        }
        context.next();
    }

    private static boolean printableAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private static ProblemException invalid(String field, String detail) {
        return new ProblemException(Problem.invalid(detail, List.of(new Problem.FieldError(field, "is not valid"))));
    }
}
