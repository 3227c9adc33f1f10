package shop.defaults;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every error as {@code application/problem+json}, and maps failures to problems in one
 * place: a {@link ProblemException}'s own problem, the service's domain problems, vertx-web's
 * statuses, and anything else as a 500 that is logged with its stack and shows nothing of it.
 */
public final class Problems {

    public static final String CONTENT_TYPE = "application/problem+json";
    private static final String TYPE_PREFIX = "urn:shop:problem:";
    private static final Logger log = LoggerFactory.getLogger(Problems.class);

    private Problems() {}

    public static void send(RoutingContext context, Problem problem) {
        if (context.response().headWritten()) {
            context.response().reset();
            return;
        }
        boolean closing = "close".equalsIgnoreCase(context.response().headers().get(HttpHeaders.CONNECTION));
        Future<Void> written = write(context.response(), problem);
        if (closing) {
            // A refusal that ends the conversation (a request that was not HTTP) closes the connection.
            written.onComplete(done -> context.request().connection().close());
        }
    }

    /** Writes a problem on a response that has not started (also where no router runs). */
    public static Future<Void> write(HttpServerResponse response, Problem problem) {
        if (!problem.retryAfter().isZero()) {
            response.putHeader(
                    HttpHeaders.RETRY_AFTER, String.valueOf(problem.retryAfter().toSeconds()));
        }
        return response.setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE)
                .end(StrictJson.write(body(problem)));
    }

    /** The JSON body of a problem, in RFC 9457's member order. */
    public static Map<String, Object> body(Problem problem) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_PREFIX + problem.slug());
        body.put("title", HttpResponseStatus.valueOf(problem.status()).reasonPhrase());
        body.put("status", problem.status());
        body.put("detail", problem.detail());
        if (!problem.errors().isEmpty()) {
            body.put("errors", problem.errors());
        }
        body.putAll(problem.members());
        return body;
    }

    /**
     * The router's failure handler. {@code domain} maps the service's own problems (return null
     * for a failure that is not one).
     */
    public static Handler<RoutingContext> failureHandler(Function<Throwable, @Nullable Problem> domain) {
        return context -> {
            if (aborted(context)) {
                // Nothing went wrong here and nobody is left to answer; the metrics count it (CLIENT_CLOSED).
                // Anyone can close a connection mid-body: an ERROR with its stack would let them flood the log.
                log.debug(
                        "Request {} {} aborted: the client closed the connection",
                        HttpMetrics.methodOf(context),
                        HttpMetrics.routeOf(context));
                return;
            }
            send(context, problemFor(context, domain));
        };
    }

    /** Whether the client closed the connection before the request was whole (an upload it gave up on). */
    private static boolean aborted(RoutingContext context) {
        return context.failure() instanceof HttpClosedException
                && context.response().closed();
    }

    static Problem problemFor(RoutingContext context, Function<Throwable, @Nullable Problem> domain) {
        Throwable failure = context.failure();
        if (failure instanceof ProblemException refused) {
            return refused.problem();
        }
        if (failure != null) {
            Problem mapped = domain.apply(failure);
            if (mapped != null) {
                return mapped;
            }
        }
        int status = failure instanceof HttpException http ? http.getStatusCode() : context.statusCode();
        if (status < 400 || status >= 500 && failure != null && !(failure instanceof HttpException)) {
            log.error("Request {} {} failed", HttpMetrics.methodOf(context), HttpMetrics.routeOf(context), failure);
            return Problem.of(500, "internal-error", "Something went wrong on our side; it has been logged");
        }
        return forStatus(status);
    }

    /** The problem of a refusal that only has a status (vertx-web's own, or a plain {@code fail(404)}). */
    public static Problem forStatus(int status) {
        return switch (status) {
            case 400 -> Problem.of(400, "invalid-request", "The request is not valid");
            case 401 -> Problem.of(401, "unauthenticated", "Authentication is required");
            case 403 -> Problem.of(403, "forbidden", "You may not do this");
            case 404 -> Problem.of(404, "not-found", "There is nothing here");
            case 405 -> Problem.of(405, "method-not-allowed", "This method is not allowed here");
            case 406 -> Problem.of(406, "not-acceptable", "This resource answers JSON only");
            case 413 -> Problem.of(413, "payload-too-large", "The request body is too large");
            case 414 -> Problem.of(414, "uri-too-long", "The request URL is too long");
            case 415 -> Problem.of(415, "unsupported-media-type", "The request body must be JSON (application/json)");
            case 429 -> Problem.of(429, "too-many-requests", "Too many requests; retry later");
            case 431 -> Problem.of(431, "headers-too-large", "The request headers are too large");
            case 503 -> Problem.of(503, "service-unavailable", "The service is unavailable; retry later");
            default ->
                status >= 500
                        ? Problem.of(status, "internal-error", "Something went wrong on our side")
                        : Problem.of(status, "client-error", "The request cannot be served");
        };
    }
}
