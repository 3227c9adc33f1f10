package shop.gateway;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.jspecify.annotations.Nullable;
import shop.defaults.Problem;
import shop.gateway.GatewayProblem.AdminOnly;
import shop.gateway.GatewayProblem.NotAcceptable;
import shop.gateway.GatewayProblem.NotAuthenticated;
import shop.gateway.GatewayProblem.OutcomeUnknown;
import shop.gateway.GatewayProblem.RateLimited;
import shop.gateway.GatewayProblem.ServiceUnavailable;
import shop.gateway.GatewayProblem.TooManyFailedAuthentications;
import shop.gateway.GatewayProblem.UnsupportedContentEncoding;

/** The answers to the gateway's own refusals: the one place that knows their status, type and headers. */
public final class GatewayProblems {

    private GatewayProblems() {}

    /** Fails the request; a {@link GatewayProblem} gets its headers here and its body from the failure handler. */
    public static void fail(RoutingContext context, Throwable failure) {
        if (failure instanceof GatewayProblem problem) {
            headers(problem, context.response());
        }
        context.fail(failure);
    }

    /** For the runtime's failure handler: the problem of a gateway refusal, null for any other failure. */
    static @Nullable Problem of(Throwable failure) {
        if (!(failure instanceof GatewayProblem problem)) {
            return null;
        }
        String detail = problem.getMessage();
        return switch (problem) {
            case NotAuthenticated refused -> Problem.of(401, "unauthenticated", detail);
            case AdminOnly refused -> Problem.of(403, "forbidden", detail);
            case NotAcceptable refused -> Problem.of(406, "not-acceptable", detail);
            case UnsupportedContentEncoding refused -> Problem.of(415, "unsupported-media-type", detail);
            case RateLimited refused -> Problem.of(429, "too-many-requests", detail);
            case TooManyFailedAuthentications refused -> Problem.of(429, "too-many-requests", detail);
            case ServiceUnavailable refused -> Problem.of(503, "service-unavailable", detail);
            case OutcomeUnknown unknown -> Problem.of(unknown.timedOut() ? 504 : 502, "outcome-unknown", detail);
        };
    }

    private static void headers(GatewayProblem problem, HttpServerResponse response) {
        switch (problem) {
            case NotAuthenticated refused -> response.putHeader("WWW-Authenticate", "Bearer");
            case RateLimited refused ->
                response.putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(refused.retryAfterSeconds()));
            case TooManyFailedAuthentications refused ->
                response.putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(refused.retryAfterSeconds()));
            case ServiceUnavailable refused -> response.putHeader(HttpHeaders.RETRY_AFTER, "1");
            case AdminOnly refused -> {}
            case NotAcceptable refused -> {}
            // RFC 9110 15.5.16: the codings that would have been accepted.
            case UnsupportedContentEncoding refused -> response.putHeader(HttpHeaders.ACCEPT_ENCODING, "identity");
            // No Retry-After: repeating the call is what might place a second order.
            case OutcomeUnknown unknown -> {}
        }
    }
}
