package shop.defaults;

import ch.qos.logback.classic.LoggerContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Shop service's life: its settings, logs, metrics and traces, one {@link Vertx}, its HTTP
 * servers ({@link ServerOptions}), and a graceful stop on SIGTERM (readiness turns down, the server
 * takes no new request, requests in flight finish, then the cleanups run). A service's main starts
 * one, opens its database and clients, builds its router (beginning with the {@link SharedRoutes},
 * one call each) and calls {@link #serve}.
 */
public final class ServiceRuntime {

    private static final Duration GRACE = Duration.ofSeconds(20);

    private static final Logger log = LoggerFactory.getLogger(ServiceRuntime.class);

    private final String name;
    private final Settings settings;
    private final Telemetry telemetry;
    private final Vertx vertx;
    private final Operations operations = new Operations();
    private final HttpMetrics httpMetrics;
    private final TlsSettings tls;
    private final List<HttpServer> servers = new ArrayList<>();
    private final SharedRoutes sharedRoutes;
    private final List<Supplier<Future<?>>> cleanups = Collections.synchronizedList(new ArrayList<>());
    private final long startedNanos = System.nanoTime();
    private volatile @Nullable Integer operationsPort;

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
                .with(new VertxOptions()
                        .setEventLoopPoolSize(eventLoops)
                        // Linux's own transport where it loads: TCP_USER_TIMEOUT on the services' connections.
                        .setPreferNativeTransport(true))
                .withTracer(new OpenTelemetryTracingFactory(telemetry.openTelemetry()))
                .build();
        if (!vertx.isNativeTransportEnabled()) {
            log.warn(
                    "{} runs on the JDK's transport, without TCP_USER_TIMEOUT: Netty's native one did not load ({})",
                    name,
                    String.valueOf(vertx.unavailableNativeTransportCause()));
        }
        this.sharedRoutes = new SharedRoutes(vertx, settings, operations, httpMetrics, telemetry.registry());
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

    /** The handlers and routes every router starts with, which each main puts on its own. */
    public SharedRoutes sharedRoutes() {
        return sharedRoutes;
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
     * Serves {@code router} (health and metrics: {@link SharedRoutes#operations}) on a port of its
     * own, plain HTTP: a management port that the public one does not expose. Readiness stays down
     * until {@link #serve} has the service listening.
     */
    public Future<Integer> serveOperations(Router router, int port) {
        HttpServerOptions options = ServerOptions.of(settings, port);
        HttpServer server = vertx.createHttpServer(options)
                .connectionHandler(StrictHttp1::install)
                .invalidRequestHandler(ServerOptions::refuseMalformed)
                .requestHandler(router);
        servers.add(server);
        return server.listen().map(listening -> {
            operationsPort = listening.actualPort();
            log.info("{} operations (health, metrics) on {}:{}", name, options.getHost(), listening.actualPort());
            return listening.actualPort();
        });
    }

    /**
     * Serves the router on {@code port}, one server per event loop, and marks the service ready
     * once all listen (and the ports are in {@code SHOP_PORT_FILE}, if set: see {@link PortFile}).
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
        httpMetrics.learnRoutes(sharedRoutes.routers());
        HttpServerOptions options = ServerOptions.of(settings, port);
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
                    .invalidRequestHandler(ServerOptions::refuseMalformed)
                    .requestHandler(requests);
            servers.add(server);
            listening.add(server.listen());
        }
        return Future.all(listening)
                .compose(all -> PortFile.write(
                        vertx,
                        settings.optional("SHOP_PORT_FILE"),
                        listening.getFirst().result().actualPort(),
                        operationsPort))
                .map(written -> {
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
