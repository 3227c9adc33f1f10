package shop.gateway.routing;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shop.defaults.HttpMetrics;
import shop.defaults.InternalTokens;
import shop.defaults.ServerOptions;
import shop.defaults.ServiceRuntime;
import shop.gateway.GatewayProblem;
import shop.gateway.GatewayProblems;
import shop.gateway.RouteTemplate;
import shop.gateway.auth.Authentication;

/**
 * One service behind the gateway, on a pooled keep-alive client: passes a call on and its answer
 * back, status and body unchanged. Only the headers named here cross. The caller goes in an
 * internal token the gateway signs, never in anything the client sent (its key stays at the
 * door); the client's {@code traceparent} is continued by the client's tracing. A service that
 * cannot be reached, or a read (GET) it does not answer in time: 503 with {@code Retry-After}. A
 * POST it had but did not answer (in time: 504; the connection closed: 502) may have been carried
 * out, so the answer says so and does not invite a retry.
 */
public final class Downstream {

    private static final List<String> REQUEST_HEADERS = List.of(HttpHeaders.CONTENT_TYPE.toString(), "Idempotency-Key");
    private static final List<String> RESPONSE_HEADERS = List.of(
            HttpHeaders.CONTENT_TYPE.toString(),
            HttpHeaders.LOCATION.toString(),
            HttpHeaders.RETRY_AFTER.toString(),
            HttpHeaders.ALLOW.toString(),
            "Idempotent-Replayed");

    private static final Logger log = LoggerFactory.getLogger(Downstream.class);

    private static final String PASS_BODY_ON = "shop.pass-body-on";

    /** Connections per service: as many as requests the gateway works on at once (its in-flight limit). */
    private static final int POOL_SIZE = 128;

    private final Vertx vertx;
    private final String service;
    private final HttpClient client;
    private final InternalTokens tokens;
    private final HttpMetrics metrics;
    private final long readTimeoutMillis;

    private Downstream(
            Vertx vertx,
            String service,
            HttpClient client,
            InternalTokens tokens,
            HttpMetrics metrics,
            long readTimeoutMillis) {
        this.vertx = vertx;
        this.service = service;
        this.client = client;
        this.tokens = tokens;
        this.metrics = metrics;
        this.readTimeoutMillis = readTimeoutMillis;
    }

    /**
     * The client of {@code service} at {@code url} (over TLS when the URL is https, or with
     * SHOP_TLS_DIR: {@link shop.defaults.TlsSettings#callee}); closed when the runtime stops.
     */
    public static Downstream create(
            ServiceRuntime runtime, String service, URI url, Downstreams downstreams, InternalTokens tokens) {
        HttpClient client = runtime.vertx()
                .httpClientBuilder()
                .with(runtime.tls()
                        .clientOptions(service, url)
                        .setConnectTimeout((int) downstreams.connectTimeout().toMillis())
                        .setKeepAlive(true)
                        // TCP keepalive finds a dead service under an idle pooled connection; the user
                        // timeout (Linux's native transport) one that stopped acknowledging what was sent.
                        .setTcpKeepAlive(true)
                        .setTcpUserTimeout((int) downstreams.readTimeout().toMillis())
                        .setKeepAliveTimeout(ServerOptions.CLIENT_KEEP_ALIVE_SECONDS)
                        .setName(service))
                .with(new PoolOptions().setHttp1MaxSize(POOL_SIZE))
                .build();
        runtime.onShutdown(client::close);
        return new Downstream(
                runtime.vertx(),
                service,
                client,
                tokens,
                runtime.httpMetrics(),
                downstreams.readTimeout().toMillis());
    }

    /**
     * Marks a request whose body goes on to the service: its operation takes one. Every request's
     * body is read (so that a slow one holds no slot while it arrives); any other's is dropped.
     */
    public static void passBodyOn(RoutingContext context) {
        context.put(PASS_BODY_ON, true);
    }

    /** The handler: the request goes to the service as it came (path, query, body), for the authenticated caller. */
    public void forward(RoutingContext context) {
        RequestOptions options = new RequestOptions()
                .setMethod(context.request().method())
                .setURI(pathAndQuery(context))
                .setIdleTimeout(readTimeoutMillis)
                .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + tokens.issue(service, Authentication.caller(context)))
                // The gateway has decided the answer's form (Negotiation): the services answer JSON.
                .putHeader(HttpHeaders.ACCEPT, "application/json");
        for (String name : REQUEST_HEADERS) {
            String value = context.request().getHeader(name);
            if (value != null) {
                options.putHeader(name, value);
            }
        }
        Buffer body = context.get(PASS_BODY_ON, false) ? context.body().buffer() : null;
        String route = RouteTemplate.of(context);
        long started = System.nanoTime();
        log.debug("{} {} -> {}", options.getMethod(), route, service);
        client.request(options)
                .onFailure(failure -> failed(
                        context, route, started, new GatewayProblem.ServiceUnavailable(service, reason(failure))))
                .onSuccess(request -> exchange(request, body, readTimeoutMillis)
                        .onSuccess(answer -> {
                            metrics.client(service, options.getMethod().name(), route, answer.status(), started);
                            relay(answer, context.response());
                        })
                        .onFailure(
                                failure -> failed(context, route, started, unanswered(options.getMethod(), failure))));
    }

    /**
     * Sends the request and reads the whole answer, within {@code deadlineMillis} from now: the idle
     * timeout catches a silent service, this also an answer that trickles in. Past it, the exchange
     * is reset (the connection goes) and fails with a {@link TimeoutException}.
     */
    private Future<Answer> exchange(HttpClientRequest request, @Nullable Buffer body, long deadlineMillis) {
        long deadline = vertx.setTimer(
                deadlineMillis,
                late -> request.reset(0, new TimeoutException("no whole answer within " + deadlineMillis + " ms")));
        return (body == null ? request.send() : request.send(body))
                .compose(response ->
                        response.body().map(answer -> new Answer(response.statusCode(), response.headers(), answer)))
                .andThen(done -> vertx.cancelTimer(deadline));
    }

    /** The service had the request: a POST may have been carried out, a read can just be sent again. */
    private GatewayProblem unanswered(HttpMethod method, Throwable failure) {
        return method == HttpMethod.POST
                ? new GatewayProblem.OutcomeUnknown(service, failure instanceof TimeoutException)
                : new GatewayProblem.ServiceUnavailable(service, reason(failure));
    }

    private void failed(RoutingContext context, String route, long started, GatewayProblem problem) {
        metrics.client(service, context.request().method().name(), route, 0, started);
        GatewayProblems.fail(context, problem);
    }

    private record Answer(int status, MultiMap headers, Buffer body) {}

    private static void relay(Answer answer, HttpServerResponse response) {
        response.setStatusCode(answer.status());
        for (String name : RESPONSE_HEADERS) {
            String value = answer.headers().get(name);
            if (value != null) {
                response.putHeader(name, value);
            }
        }
        response.end(answer.body());
    }

    /**
     * The path as routed (normalized: no {@code ..} left to climb out of a route, reserved
     * characters still escaped) and the query as sent.
     */
    private static String pathAndQuery(RoutingContext context) {
        String query = context.request().query();
        return query == null ? context.normalizedPath() : context.normalizedPath() + "?" + query;
    }

    private static String reason(@Nullable Throwable failure) {
        return failure instanceof TimeoutException ? "no answer in time" : "not reachable";
    }
}
