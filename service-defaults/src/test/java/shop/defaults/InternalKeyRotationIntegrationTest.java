package shop.defaults;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pair's key rotated under load, the way an operator does it, between two Vert.x instances over
 * real HTTP: each side reads its keys from a file of its own (as a mounted Secret), the callee's
 * server checks every call. The new key is published beside the old at the callee, the caller
 * switches to it, the old is withdrawn: not one call is refused.
 */
class InternalKeyRotationIntegrationTest {

    private static final String CALLER = "order-service";
    private static final String CALLEE = "payment-service";
    private static final int CLIENTS = 8;

    private final Vertx callerVertx = Vertx.vertx();
    private final Vertx calleeVertx = Vertx.vertx();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        callerVertx.close().await();
        calleeVertx.close().await();
    }

    @Test
    void rotatesAPairsKeyUnderLoadWithoutARefusedCall() throws Exception {
        String old = line("os-ps-2026-01");
        String next = line("os-ps-2026-02");
        Path callerKeys = write(dir.resolve("order-service.keys"), old);
        Path calleeKeys = write(dir.resolve("payment-service.keys"), old);
        InternalTokens callee =
                InternalTokens.start(calleeVertx, settings(CALLEE, List.of(), calleeKeys), Clock.systemUTC());
        InternalTokens caller =
                InternalTokens.start(callerVertx, settings(CALLER, List.of(CALLEE), callerKeys), Clock.systemUTC());

        Router router = Router.router(calleeVertx);
        router.route().handler(InternalAuthentication.handler(callee));
        router.post("/charges")
                .handler(context -> context.response()
                        .end(InternalAuthentication.call(context).service()));
        HttpServer server = calleeVertx
                .createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .await();
        HttpClient client = callerVertx
                .httpClientBuilder()
                .with(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.actualPort()))
                .with(new PoolOptions().setHttp1MaxSize(CLIENTS))
                .build();

        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        AtomicInteger failures = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        for (int i = 0; i < CLIENTS; i++) {
            callerVertx.runOnContext(start -> loop(client, caller, running, statuses, failures));
        }
        awaitCalls(statuses, 200);

        // 1. The new key beside the old at the callee; the caller still signs with the old.
        write(calleeKeys, old + "\n" + next);
        await(() -> callee.acceptedKids().contains("os-ps-2026-02"));
        int beforeSwitch = total(statuses);
        awaitCalls(statuses, beforeSwitch + 200);
        // 2. The caller signs with the new key (listed first); it may still hold the old one.
        write(callerKeys, next + "\n" + old);
        await(() -> kidOf(caller.issue(CALLEE, null)).equals("os-ps-2026-02"));
        awaitCalls(statuses, total(statuses) + 200);
        // 3. The old key withdrawn everywhere.
        write(calleeKeys, next);
        write(callerKeys, next);
        await(() -> callee.acceptedKids().equals(List.of("os-ps-2026-02")));
        awaitCalls(statuses, total(statuses) + 200);
        running.set(false);

        assertThat(failures.get()).as("calls that got no answer").isZero();
        assertThat(statuses.keySet()).as("every answer's status").containsExactly(200);
        assertThat(total(statuses)).isGreaterThanOrEqualTo(800);
        // And the withdrawn key is refused now: the rotation really happened.
        InternalTokens withOldKey =
                new InternalTokens(CALLER, InternalKeys.parse(old, "old"), Duration.ofSeconds(60), Clock.systemUTC());
        int status = client.request(new RequestOptions()
                        .setMethod(HttpMethod.POST)
                        .setURI("/charges")
                        .putHeader("Authorization", "Bearer " + withOldKey.issue(CALLEE, null)))
                .compose(request -> request.send())
                .map(response -> response.statusCode())
                .await();
        assertThat(status).isEqualTo(401);
    }

    /** One client: calls one after another while running, counting statuses. */
    private static void loop(
            HttpClient client,
            InternalTokens caller,
            AtomicBoolean running,
            Map<Integer, AtomicInteger> statuses,
            AtomicInteger failures) {
        if (!running.get()) {
            return;
        }
        client.request(new RequestOptions()
                        .setMethod(HttpMethod.POST)
                        .setURI("/charges")
                        .putHeader("Authorization", "Bearer " + caller.issue(CALLEE, null)))
                .compose(request -> request.send())
                .compose(response -> response.body().map(body -> response.statusCode()))
                .onComplete(done -> {
                    if (done.succeeded()) {
                        statuses.computeIfAbsent(done.result(), status -> new AtomicInteger())
                                .incrementAndGet();
                    } else {
                        failures.incrementAndGet();
                    }
                    loop(client, caller, running, statuses, failures);
                });
    }

    private static InternalAuthSettings settings(String service, List<String> callees, Path file) {
        return InternalAuthSettings.from(
                Settings.of(Map.of(
                        "SHOP_INTERNAL_AUTH_KEYS_FILE", file.toString(), "SHOP_INTERNAL_AUTH_KEYS_RELOAD", "100ms")),
                service,
                callees);
    }

    private static String line(String kid) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return CALLER + " " + CALLEE + " " + kid + " " + Base64.getEncoder().encodeToString(secret);
    }

    /** Replaces the file at once, as Kubernetes updates a mounted Secret. */
    private static Path write(Path file, String text) throws Exception {
        Path next = Files.writeString(file.resolveSibling(file.getFileName() + ".next"), text);
        return Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String kidOf(String token) {
        try {
            return SignedJWT.parse(token).getHeader().getKeyID();
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int total(Map<Integer, AtomicInteger> statuses) {
        return statuses.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    private static void awaitCalls(Map<Integer, AtomicInteger> statuses, int atLeast) throws InterruptedException {
        await(() -> total(statuses) >= atLeast);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within 30 s");
            }
            Thread.sleep(20);
        }
    }
}
