package shop.defaults;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Promise;
import io.vertx.ext.web.Router;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The shared server defaults, over real HTTP: operations routes, problems, headers, limits, metrics. */
class ServiceRuntimeIntegrationTest {

    static final class NoSuchThing extends RuntimeException {}

    private static ServiceRuntime runtime;
    private static int port;
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final Promise<Void> release = Promise.promise();
    private static volatile Promise<Void> held = Promise.promise();

    @BeforeAll
    static void start() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        runtime = ServiceRuntime.start("test-service", Settings.of(Map.of("SHOP_MAX_IN_FLIGHT", "1")));
        SharedRoutes shared = runtime.sharedRoutes();
        Router router = shared.router(
                failure -> failure instanceof NoSuchThing
                        ? Problem.of(404, "thing-not-found", "No such thing")
                                .with("thingsKnown", 3)
                                .retryAfter(java.time.Duration.ofSeconds(7))
                        : null,
                SharedRoutes.NO_DATABASE);
        router.route().handler(shared.metrics());
        router.route().handler(SharedRoutes.securityHeaders());
        router.route().handler(SharedRoutes::refuseMalformedPath);
        shared.operations(router);
        router.route().handler(SharedRoutes.body());
        router.route().handler(shared.inFlightLimit());
        router.get("/things/:id").handler(context -> context.fail(new NoSuchThing()));
        router.get("/broken").handler(context -> {
            throw new IllegalStateException("secret internals");
        });
        router.get("/trace").handler(context -> {
            var span = io.opentelemetry.api.trace.Span.current().getSpanContext();
            context.response().end(span.getTraceId() + " " + span.getSpanId());
        });
        router.get("/slow")
                .handler(context ->
                        release.future().onComplete(done -> context.response().end("done")));
        router.get("/held")
                .handler(context ->
                        held.future().onComplete(done -> context.response().end("released")));
        router.get("/methods").handler(context -> context.response().end());
        router.put("/methods").handler(context -> context.response().end());
        router.post("/json").handler(context -> {
            StrictJson.requireJson(context);
            context.response().end("ok");
        });
        runtime.serve(router, port).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        runtime.vertx().close();
    }

    @Test
    void isLiveAndReadyOnceServing() throws Exception {
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get("/actuator/health/readiness");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void tracesEveryRequestContinuingTheCallersTrace() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String[] continued = send(HttpRequest.newBuilder(uri("/trace"))
                        .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"))
                .body()
                .split(" ");
        assertThat(continued[0]).isEqualTo(traceId);
        assertThat(continued[1])
                .as("the server's own span: " + String.join(" ", continued))
                .isNotEqualTo("00f067aa0ba902b7")
                .isNotEqualTo("0000000000000000");
        String[] started = get("/trace").body().split(" ");
        assertThat(started[0]).as("a new trace").matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
    }

    @Test
    void mapsTheServicesOwnProblemsOnce() throws Exception {
        HttpResponse<String> answer = get("/things/42");
        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(answer.body())
                .contains(
                        "\"type\":\"urn:shop:problem:thing-not-found\"",
                        "\"detail\":\"No such thing\"",
                        "\"thingsKnown\":3");
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("7");
    }

    @Test
    void answersUnknownPathsAndMethodsWithProblemsThatEchoNothing() throws Exception {
        HttpResponse<String> missing = get("/no-such-path-%3Cscript%3E");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("urn:shop:problem:not-found").doesNotContain("script", "no-such-path");
        HttpResponse<String> wrongMethod =
                send(HttpRequest.newBuilder(uri("/broken")).method("PATCH", HttpRequest.BodyPublishers.noBody()));
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.body())
                .contains("urn:shop:problem:method-not-allowed")
                .doesNotContain("PATCH");
    }

    // Defect: a 405 carried no Allow: the problem handler took the place of vertx-web's own 405, which names them.

    @Test
    void namesTheMethodsAPathTakesInEvery405() throws Exception {
        Map<String, String> allowed = Map.of(
                "/broken", "GET",
                "/things/42", "GET",
                "/things/42/", "GET",
                "/json", "POST",
                "/methods", "GET, PUT",
                "/actuator/health/readiness", "GET");
        for (Map.Entry<String, String> path : allowed.entrySet()) {
            HttpResponse<String> refused = send(
                    HttpRequest.newBuilder(uri(path.getKey())).method("DELETE", HttpRequest.BodyPublishers.noBody()));
            assertThat(refused.statusCode()).as(path.getKey()).isEqualTo(405);
            assertThat(refused.headers().firstValue("Allow")).as(path.getKey()).hasValue(path.getValue());
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
    }

    // Defect: the status line repeated the client's protocol token: GET / <SCRIPT>/1.1 was answered "<SCRIPT>/1.1 501".

    @Test
    void answersAnyOtherHttpVersion400InHttp11() throws Exception {
        for (String version : new String[] {"<SCRIPT>/1.1", "HTTP/9.9", "HTTP/2.0", "XYZZY/1.0"}) {
            assertThat(raw("GET /things/1 " + version + "\r\nHost: x\r\n"))
                    .as(version)
                    .startsWith("HTTP/1.1 400 ")
                    .contains("urn:shop:problem:invalid-request")
                    .doesNotContainIgnoringCase("<script")
                    .doesNotContain("XYZZY")
                    .doesNotContain("9.9");
        }
        assertThat(raw("GET /things/1 HTTP/1.0\r\nHost: x\r\n")).startsWith("HTTP/1.0 404 ");
    }

    @Test
    void refusesTwoHostHeaders() throws Exception {
        assertThat(raw("GET /things/1 HTTP/1.1\r\nHost: x\r\nHost: evil.example\r\n"))
                .startsWith("HTTP/1.1 400 ")
                .contains("urn:shop:problem:invalid-request");
    }

    // Defect: a chunk size that is not one got no answer at all: Vert.x closed the connection at once.

    @Test
    void answersABodyWhoseFramingBreaks400() throws Exception {
        String chunked = "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
        for (String badChunks : new String[] {"zz\r\n{}\r\n0\r\n\r\n", "FFFFFFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n"}) {
            String answer = rawBytes("POST /json HTTP/1.1\r\nHost: x\r\n" + chunked + badChunks);
            assertThat(answer).as(badChunks).startsWith("HTTP/1.1 400 ").contains("urn:shop:problem:invalid-request");
            // Every body is read before routing (so that the in-flight limit counts a request whose body is in).
            assertThat(rawBytes("POST /nowhere HTTP/1.1\r\nHost: x\r\n" + chunked + badChunks))
                    .as("a path with no route: " + badChunks)
                    .startsWith("HTTP/1.1 400 ")
                    .contains("urn:shop:problem:invalid-request");
        }
        assertThat(rawBytes("POST /json HTTP/1.1\r\nHost: x\r\n" + chunked + "2\r\n{}\r\n0\r\n\r\n"))
                .as("well-formed chunks")
                .startsWith("HTTP/1.1 200 ");
    }

    @Test
    void refusesMalformedRequestsWithProblemsBeforeAnyRoute() throws Exception {
        assertThat(raw("GET /things/%zz HTTP/1.1\r\nHost: x\r\n"))
                .startsWith("HTTP/1.1 400")
                .contains("urn:shop:problem:invalid-request");
        assertThat(raw("GET /things/1 HTTP/1.1\r\nHost: x\r\nX-Big: " + "x".repeat(9000) + "\r\n"))
                .startsWith("HTTP/1.1 431")
                .contains("urn:shop:problem:headers-too-large", "X-Content-Type-Options: nosniff");
        assertThat(raw("GET /things/" + "y".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n"))
                .startsWith("HTTP/1.0 414")
                .contains("urn:shop:problem:uri-too-long");
    }

    @Test
    void hidesAnUnexpectedFailureBehindA500() throws Exception {
        HttpResponse<String> answer = get("/broken");
        assertThat(answer.statusCode()).isEqualTo(500);
        assertThat(answer.body()).contains("urn:shop:problem:internal-error").doesNotContain("secret", "Exception");
    }

    @Test
    void refusesANonJsonBodyAndATooLargeOne() throws Exception {
        HttpResponse<String> xml = send(HttpRequest.newBuilder(uri("/json"))
                .header("Content-Type", "text/xml; a=<b>")
                .POST(HttpRequest.BodyPublishers.ofString("<a/>")));
        assertThat(xml.statusCode()).isEqualTo(415);
        assertThat(xml.body()).contains("unsupported-media-type").doesNotContain("text/xml");
        HttpResponse<String> large = send(HttpRequest.newBuilder(uri("/json"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[" + "1,".repeat(20_000) + "1]")));
        assertThat(large.statusCode()).isEqualTo(413);
        assertThat(large.body()).contains("payload-too-large");
    }

    @Test
    void setsSecurityHeadersOnEveryAnswer() throws Exception {
        HttpResponse<String> answer = get("/things/1");
        assertThat(answer.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(answer.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(answer.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(csp -> csp.contains("default-src 'none'"));
        assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void refusesRequestsPastTheInFlightLimitButNeverTheProbes() throws Exception {
        CompletableFuture<HttpResponse<String>> slow =
                http.sendAsync(HttpRequest.newBuilder(uri("/slow")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> refused;
        do {
            refused = get("/things/1");
        } while (refused.statusCode() != 503 && !slow.isDone());
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(refused.body()).contains("urn:shop:problem:overloaded");
        assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        release.tryComplete();
        assertThat(slow.get(5, TimeUnit.SECONDS).body()).isEqualTo("done");
    }

    // Defect: the in-flight limit let through any raw path under /actuator/, which routing then
    // normalised: /actuator/../things/1 was worked on past the limit.

    @Test
    void decidesTheInFlightLimitOnTheRoutedPath() throws Exception {
        held = Promise.promise();
        CompletableFuture<HttpResponse<String>> holding =
                http.sendAsync(HttpRequest.newBuilder(uri("/held")).build(), HttpResponse.BodyHandlers.ofString());
        try {
            while (get("/things/1").statusCode() != 503) {
                assertThat(holding).as("the held request is still in progress").isNotDone();
            }
            for (String path : List.of(
                    "/actuator/../things/1",
                    "/actuator/%2e%2e/things/1",
                    "/actuator/%2E%2E/things/1",
                    "/actuator/health/../../things/1",
                    "/actuator/;/../../things/1",
                    "/actuator//../things/1",
                    "//actuator/../things/1")) {
                assertThat(raw("GET " + path + " HTTP/1.1\r\nHost: x\r\n"))
                        .as(path)
                        .startsWith("HTTP/1.1 503")
                        .contains("urn:shop:problem:overloaded");
            }
            assertThat(raw("GET /actuator/health/readiness HTTP/1.1\r\nHost: x\r\n"))
                    .as("the probes' own routes are never refused")
                    .startsWith("HTTP/1.1 200");
        } finally {
            held.complete();
        }
        assertThat(holding.get(5, TimeUnit.SECONDS).body()).isEqualTo("released");
    }

    // Defect: a client that closed its connection mid-body was counted as 200 SUCCESS and logged as an
    // ERROR with a stack trace: anyone could flood the error log and lift the success rate.

    @Test
    void countsAnAbortedUploadAsClientClosedAndLogsItBelowError() throws Exception {
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        Logger problems = (Logger) LoggerFactory.getLogger(Problems.class);
        Level level = problems.getLevel();
        problems.setLevel(Level.DEBUG);
        problems.addAppender(logged);
        try {
            double before = count(scrape(), "POST", "UNKNOWN", "CLIENT_CLOSED", HttpMetrics.UNMATCHED);
            // Other tests of this class post to /json too: what counts is that these uploads add nothing there.
            String answeredBefore = answeredPosts(scrape());
            for (int i = 0; i < 3; i++) {
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    socket.getOutputStream()
                            .write(("POST /json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                            + "Content-Length: 100\r\n\r\n{\"half\":")
                                    .getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    Thread.sleep(200);
                }
            }
            // Counted when the server sees the connection close, a moment after the client has closed it.
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (count(scrape(), "POST", "UNKNOWN", "CLIENT_CLOSED", HttpMetrics.UNMATCHED) < before + 3
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(count(scrape(), "POST", "UNKNOWN", "CLIENT_CLOSED", HttpMetrics.UNMATCHED))
                    .isEqualTo(before + 3);
            assertThat(answeredPosts(scrape()))
                    .as("nothing counted as answered")
                    .isEqualTo(answeredBefore);
            assertThat(logged.list).hasSize(3).allSatisfy(event -> {
                assertThat(event.getLevel()).isEqualTo(Level.DEBUG);
                assertThat(event.getThrowableProxy()).as("no stack trace").isNull();
                assertThat(event.getFormattedMessage())
                        .isEqualTo("Request POST unmatched aborted: the client closed the connection");
            });
        } finally {
            problems.detachAppender(logged);
            problems.setLevel(level);
        }
    }

    /** The counts of answered POSTs (every outcome but UNKNOWN), one line each. */
    private static String answeredPosts(String scrape) {
        return scrape.lines()
                .filter(line -> line.startsWith("http_server_requests_seconds_count{method=\"POST\""))
                .filter(line -> !line.contains("outcome=\"UNKNOWN\""))
                .sorted()
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    @Test
    void countsMethodsAndPathsItDoesNotRouteInOneSeriesEach() throws Exception {
        String before = scrape();
        for (int i = 0; i < 50; i++) {
            raw("BREW" + i + " /things/" + i + " HTTP/1.1\r\nHost: x\r\n");
            raw("PATCH /things/" + i + " HTTP/1.1\r\nHost: x\r\n");
            raw("GET /nowhere-" + i + " HTTP/1.1\r\nHost: x\r\n");
        }
        String after = scrape();
        assertThat(after).doesNotContain("BREW", "PATCH", "nowhere");
        assertThat(count(after, "other", "CLIENT_ERROR", "405", HttpMetrics.UNMATCHED)
                        - count(before, "other", "CLIENT_ERROR", "405", HttpMetrics.UNMATCHED))
                .as("methods no route takes, on a path a route takes: one series")
                .isEqualTo(100);
        assertThat(count(after, "GET", "CLIENT_ERROR", "404", HttpMetrics.UNMATCHED)
                        - count(before, "GET", "CLIENT_ERROR", "404", HttpMetrics.UNMATCHED))
                .as("paths no route takes: one series")
                .isEqualTo(50);
    }

    @Test
    void countsRequestsByRouteTemplate() throws Exception {
        get("/things/7");
        String scrape = get("/actuator/prometheus").body();
        assertThat(scrape)
                .contains(
                        "http_server_requests_seconds_count{method=\"GET\",outcome=\"CLIENT_ERROR\",status=\"404\",uri=\"/things/{id}\"}")
                .contains("http_server_requests_seconds_bucket", "jvm_memory_used_bytes");
    }

    private static String scrape() throws Exception {
        return get("/actuator/prometheus").body();
    }

    /** The count of {@code http.server.requests} with these labels in a scrape (0 when there is no such series). */
    private static double count(String scrape, String method, String outcome, String status, String uri) {
        String series = "http_server_requests_seconds_count{method=\"%s\",outcome=\"%s\",status=\"%s\",uri=\"%s\"} "
                .formatted(method, outcome, status, uri);
        return scrape.lines()
                .filter(line -> line.startsWith(series))
                .mapToDouble(line -> Double.parseDouble(line.substring(series.length())))
                .sum();
    }

    /** A request written as it is (the JDK's client refuses to send malformed ones), and the whole answer. */
    private static String rawBytes(String request) throws Exception {
        try (var socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    private static String raw(String head) throws Exception {
        try (var socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream()
                    .write((head + "Connection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
