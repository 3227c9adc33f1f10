package shop.defaults;

import ch.qos.logback.classic.LoggerContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What runs a Shop service: its settings, logs, metrics and traces, one {@link Vertx}, the
 * router's shared handlers, the HTTP server, and a graceful stop on SIGTERM (readiness turns
 * down, the server takes no new request, requests in flight finish, then the cleanups run).
 * A service's main creates one, opens its database, builds its routes and calls {@link #serve}.
 */
public final class ServiceRuntime {

    /** Request bodies larger than this are refused (413) before they are read whole. */
    public static final int MAX_BODY_BYTES = 16 * 1024;

    private static final Duration GRACE = Duration.ofSeconds(20);
    /** A connection silent this long is closed by the server. */
    private static final int IDLE_SECONDS = 8;
    /**
     * How long the services' own clients keep an idle connection: less than the server's idle time,
     * so that a call never goes out on a connection the other side is closing.
     */
    public static final int CLIENT_KEEP_ALIVE_SECONDS = IDLE_SECONDS - 3;

    private static final Logger log = LoggerFactory.getLogger(ServiceRuntime.class);

    /** Reads every request's body, up to {@link #MAX_BODY_BYTES} (413 past it), in memory only. */
    private static final BodyHandler BODY = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);

    private final String name;
    private final Settings settings;
    private final Telemetry telemetry;
    private final Vertx vertx;
    private final Operations operations = new Operations();
    private final HttpMetrics httpMetrics;
    private final TlsSettings tls;
    private final List<HttpServer> servers = new ArrayList<>();
    private final List<Router> routers = new CopyOnWriteArrayList<>();
    private final List<Supplier<Future<?>>> cleanups = Collections.synchronizedList(new ArrayList<>());
    private final long startedNanos = System.nanoTime();
    private volatile Function<Throwable, @Nullable Problem> domainProblems = failure -> null;
    private volatile BiFunction<HttpMethod, Throwable, @Nullable Problem> databaseProblems = (method, failure) -> null;
    private volatile boolean operationsApart;

    private ServiceRuntime(String name, Settings settings) {
        this.name = name;
        this.settings = settings;
        this.telemetry = Telemetry.start(name, settings);
        this.httpMetrics = new HttpMetrics(telemetry.registry());
        this.tls = TlsSettings.from(settings);
        int eventLoops =
                settings.integer("SHOP_EVENT_LOOPS", Runtime.getRuntime().availableProcessors(), 1, 64);
        this.vertx = Vertx.builder()
                // Tracing options must be set for the tracer below to be used (else Vert.x's default, a no-op one).
                .with(new VertxOptions().setEventLoopPoolSize(eventLoops))
                .withTracer(new OpenTelemetryTracingFactory(telemetry.openTelemetry()))
                .build();
        // The last spans are flushed to the collector, which may be slow or gone: waited for on a
        // worker, since cleanups run on an event loop.
        cleanups.add(() ->
                vertx.executeBlocking(() -> telemetry.openTelemetry().shutdown().join(5, TimeUnit.SECONDS)));
    }

    /** Starts the runtime of a service; refuses (throws) on a bad setting. */
    public static ServiceRuntime start(String name, Settings settings) {
        System.setProperty("shop.service", name);
        LogLevels.from(settings).apply();
        ServiceRuntime runtime = new ServiceRuntime(name, settings);
        Runtime.getRuntime()
                .addShutdownHook(Thread.ofPlatform().name("shutdown").unstarted(runtime::stopGracefully));
        log.info(
                "Starting {} ({} profile, trace sampling {})",
                name,
                settings.local() ? "local" : "production",
                runtime.telemetry.sampling());
        return runtime;
    }

    public String name() {
        return name;
    }

    public Vertx vertx() {
        return vertx;
    }

    public Settings settings() {
        return settings;
    }

    public MeterRegistry registry() {
        return telemetry.registry();
    }

    public OpenTelemetry openTelemetry() {
        return telemetry.openTelemetry();
    }

    public HttpMetrics httpMetrics() {
        return httpMetrics;
    }

    /** TLS for this service's server and its clients of the others. */
    public TlsSettings tls() {
        return tls;
    }

    /** Maps the service's own problems (return null for a failure that is not one). */
    public void problems(Function<Throwable, @Nullable Problem> mapping) {
        this.domainProblems = mapping;
    }

    /**
     * Maps the failures of the service's database (by the request's method: a write's outcome may be
     * unknown); set by {@link Database#open}, so that a service without one loads no SQL client.
     */
    void databaseProblems(BiFunction<HttpMethod, Throwable, @Nullable Problem> mapping) {
        this.databaseProblems = mapping;
    }

    /**
     * Readiness is down while {@code met} says the service lacks {@code need} (its database), and up
     * again by itself once it has it; liveness never depends on it.
     */
    public void readyOnlyWhile(String need, BooleanSupplier met) {
        operations.readyOnlyWhile(need, met);
    }

    /** Runs at shutdown, after the server has stopped; the last registered runs first. */
    public void onShutdown(Supplier<Future<?>> cleanup) {
        cleanups.add(cleanup);
    }

    /**
     * A router with the shared handlers first: metrics, security headers, a malformed path refused,
     * the operations routes (unless {@link #serveOperations} gave them a port of their own), the
     * request's body read, the in-flight limit, and the problem+json failure handler.
     */
    public Router router() {
        return router(List.of());
    }

    /**
     * As {@link #router()}, with {@code edge} run right after the metrics and security headers, in
     * order, before anything that may refuse the request or wait for its body, so that whatever
     * they put on the answer is on every answer (the gateway's CORS headers) and what they refuse
     * is refused before a body is read (the gateway's framing).
     *
     * <p>Health and metrics are routes ahead of the in-flight limit and of anything a service adds
     * (internal authentication): they are matched on the routed (normalised) path like every route,
     * so no prefix of a raw path ({@code /actuator/../orders}) can pass a request around a gate.
     * The body is read before the in-flight limit counts the request: a body that trickles in holds
     * its connection (until its deadline, at the gateway), never one of the service's slots.
     */
    public Router router(List<Handler<RoutingContext>> edge) {
        Router router = Router.router(vertx);
        router.route().handler(httpMetrics.server());
        router.route().handler(SecurityHeaders.handler());
        for (Handler<RoutingContext> handler : edge) {
            router.route().handler(handler);
        }
        router.route().handler(ServiceRuntime::refuseMalformedPath);
        if (!operationsApart) {
            operations.mount(router, telemetry.registry());
        }
        router.route().handler(BODY);
        router.route().handler(InFlightLimit.handler(settings.integer("SHOP_MAX_IN_FLIGHT", 128, 0, 100_000)));
        problemHandlers(router);
        routers.add(router);
        return router;
    }

    private void problemHandlers(Router router) {
        Handler<RoutingContext> failures = context -> Problems.failureHandler(failure -> {
                    Problem domain = domainProblems.apply(failure);
                    return domain != null
                            ? domain
                            : databaseProblems.apply(context.request().method(), failure);
                })
                .handle(context);
        router.route().failureHandler(failures);
        // Refusals of vertx-web's own (no route, a method not served here) answer problems too.
        for (int status : new int[] {400, 406, 413, 415, 500}) {
            router.errorHandler(status, failures);
        }
        // A path that some route takes with other methods is a 405 naming them, also where
        // vertx-web answers 404 (it does when a route after the one of that path matched neither).
        Handler<RoutingContext> notRouted = context -> {
            String allowed = context.failure() == null ? AllowedMethods.of(router, context.normalizedPath()) : "";
            if (allowed.isEmpty()) {
                failures.handle(context);
                return;
            }
            context.response().putHeader(HttpHeaders.ALLOW, allowed);
            Problems.send(context, Problems.forStatus(405));
        };
        router.errorHandler(404, notRouted);
        router.errorHandler(405, notRouted);
    }

    /**
     * Serves the operations routes (health and metrics) on a port of their own, and on no router
     * made after this: a management port that the public one does not expose. Call it before
     * {@link #router()}. Readiness stays down until {@link #serve} has the service listening.
     */
    public Future<Integer> serveOperations(int port) {
        operationsApart = true;
        Router router = Router.router(vertx);
        router.route().handler(SecurityHeaders.handler());
        // Routing would fail on such a path, with a 500 anyone could cause (and an ERROR in the log).
        router.route().handler(ServiceRuntime::refuseMalformedPath);
        operations.mount(router, telemetry.registry());
        problemHandlers(router);
        HttpServer server = vertx.createHttpServer(serverOptions(port))
                .connectionHandler(StrictHttp1::install)
                .invalidRequestHandler(ServiceRuntime::refuseMalformed)
                .requestHandler(router);
        servers.add(server);
        return server.listen().map(listening -> {
            log.info(
                    "{} operations (health, metrics) on {}:{}",
                    name,
                    serverOptions(port).getHost(),
                    listening.actualPort());
            return listening.actualPort();
        });
    }

    /**
     * Serves the router on {@code port}, one server per event loop, and marks the service ready
     * once all listen.
     */
    public Future<Void> serve(Router router, int port) {
        return serve(router, port, null);
    }

    /**
     * As {@link #serve(Router, int)}, with {@code requests} handling every request and {@code
     * connections} (if any) seeing every new connection first (the gateway's limits on clients).
     */
    public Future<Void> serve(
            Handler<HttpServerRequest> requests, int port, @Nullable Handler<HttpConnection> connections) {
        httpMetrics.learnRoutes(routers);
        HttpServerOptions options = serverOptions(port);
        // The public port only: the management port stays plain HTTP, inside the cluster, for probes and scrapes.
        tls.applyTo(options);
        int count = settings.integer("SHOP_EVENT_LOOPS", Runtime.getRuntime().availableProcessors(), 1, 64);
        List<Future<HttpServer>> listening = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            HttpServer server = vertx.createHttpServer(options)
                    .connectionHandler(connection -> {
                        StrictHttp1.install(connection);
                        if (connections != null) {
                            connections.handle(connection);
                        }
                    })
                    .invalidRequestHandler(ServiceRuntime::refuseMalformed)
                    .requestHandler(requests);
            servers.add(server);
            listening.add(server.listen());
        }
        return Future.all(listening).map(all -> {
            operations.markReady();
            log.info(
                    "{} ready on {}://{}:{} in {} ms",
                    name,
                    tls.serves() ? "https" : "http",
                    options.getHost(),
                    // The port listened on, also when the system chose it (port 0: ./shop's cache recording).
                    listening.getFirst().result().actualPort(),
                    (System.nanoTime() - startedNanos) / 1_000_000);
            return null;
        });
    }

    private HttpServerOptions serverOptions(int port) {
        return new HttpServerOptions()
                .setHost(settings.address("SHOP_BIND_ADDRESS", "127.0.0.1"))
                .setPort(port)
                .setMaxInitialLineLength(8 * 1024)
                .setMaxHeaderSize(8 * 1024)
                // A connection silent this long is closed: a client that sends its request too slowly is hung up on,
                // and idle keep-alive connections go (the services' own clients keep theirs for less).
                .setIdleTimeout(IDLE_SECONDS)
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                // Every request is traced (sampling decides what is kept), not only those that came with a trace.
                .setTracingPolicy(TracingPolicy.ALWAYS)
                // HTTP/1.1 only: a client's upgrade to cleartext HTTP/2 (the JDK client asks by default) is not taken.
                .setHttp2ClearTextEnabled(false);
    }

    /** A path that cannot be decoded ({@code /orders/%zz}) is the client's mistake: 400, not 500. */
    private static void refuseMalformedPath(RoutingContext context) {
        try {
            context.normalizedPath();
        } catch (IllegalArgumentException malformed) {
            context.response().putHeader(HttpHeaders.CONNECTION, "close");
            Problems.send(context, Problems.forStatus(400));
            return;
        }
        context.next();
    }

    /**
     * A request the HTTP decoder refused before any route (a line or headers too long, a control
     * character in a header), or {@link StrictHttp1} did (another HTTP version, two {@code Host}
     * headers): a problem like every other refusal, and the connection closed.
     */
    private static void refuseMalformed(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        int status = cause instanceof TooLongHttpLineException
                ? 414
                : cause instanceof TooLongHttpHeaderException ? 431 : 400;
        SecurityHeaders.apply(request.response().headers());
        request.response().putHeader(HttpHeaders.CONNECTION, "close");
        Problems.write(request.response(), Problems.forStatus(status));
    }

    /** Logs why a service could not start, and exits. */
    public static void exitOnFailure(String service, Throwable failure) {
        LoggerFactory.getLogger(ServiceRuntime.class)
                .error("{} cannot start: {}", service, failure.getMessage(), failure);
        // Not on this thread: it may be an event loop, which the shutdown hook waits for.
        Thread.ofPlatform().name("exit").start(() -> System.exit(1));
    }

    private void stopGracefully() {
        operations.markDown();
        log.info("Stopping {}: finishing requests in flight", name);
        CountDownLatch stopped = new CountDownLatch(1);
        Future.all(servers.stream()
                        .map(server -> server.shutdown(GRACE.toSeconds(), TimeUnit.SECONDS))
                        .toList())
                .transform(done -> runCleanups(new ArrayList<>(cleanups)))
                .transform(done -> vertx.close())
                .onComplete(done -> stopped.countDown());
        try {
            if (!stopped.await(GRACE.toSeconds() + 10, TimeUnit.SECONDS)) {
                log.warn("{} did not stop within {} s", name, GRACE.toSeconds() + 10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("{} stopped", name);
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }

    private static Future<Void> runCleanups(List<Supplier<Future<?>>> remaining) {
        if (remaining.isEmpty()) {
            return Future.succeededFuture();
        }
        Supplier<Future<?>> last = remaining.removeLast();
        Future<?> cleanup;
        try {
            cleanup = last.get();
        } catch (RuntimeException e) {
            cleanup = Future.failedFuture(e);
        }
        return cleanup.<Void>transform(done -> {
            if (done.failed()) {
                log.warn("A cleanup at shutdown failed: {}", done.cause().toString());
            }
            return runCleanups(remaining);
        });
    }
}
