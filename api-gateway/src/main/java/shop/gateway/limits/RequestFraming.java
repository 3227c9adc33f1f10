package shop.gateway.limits;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import shop.defaults.Problem;
import shop.defaults.ProblemException;

/**
 * Takes request bodies framed one way only: by {@code Content-Length}. A request with a
 * {@code Transfer-Encoding} is refused (400) and its connection closed, whatever else it says:
 * the HTTP decoder drops a {@code Content-Length} sent beside {@code Transfer-Encoding: chunked}
 * (as RFC 9112 allows), so such a request cannot be told apart here, and a proxy in front that
 * framed it by the other header would see a second, smuggled request in its body. The API's
 * bodies are small JSON documents whose length every client knows (browsers, curl and the JDK's
 * client all send it). A {@code Content-Length} other than digits ({@code +14}) is refused too;
 * two of them are refused by the decoder itself.
 */
public final class RequestFraming {

    private RequestFraming() {}

    /** The handler. */
    public static void check(RoutingContext context) {
        if (context.request().headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
            refuse(
                    context,
                    "Transfer-Encoding",
                    "Send the body with a Content-Length; a Transfer-Encoding is not accepted");
            return;
        }
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && !digits(length)) {
            refuse(context, "Content-Length", "The Content-Length must be a number of bytes, digits only");
            return;
        }
        context.next();
    }

    private static boolean digits(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static void refuse(RoutingContext context, String header, String detail) {
        // The rest of what came on this connection cannot be trusted to be framed as the client meant it.
        context.response().putHeader(HttpHeaders.CONNECTION, "close");
        context.fail(new ProblemException(
                Problem.invalid(detail, List.of(new Problem.FieldError(header, "is not accepted")))));
    }
}
