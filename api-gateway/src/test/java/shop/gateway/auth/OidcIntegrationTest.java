package shop.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import shop.defaults.Caller;
import shop.defaults.InternalCall;
import shop.defaults.Role;
import shop.gateway.FakeService;
import shop.gateway.GatewayUnderTest;
import shop.testing.TestTokens;

/**
 * The gateway with an OIDC issuer and no API keys at all (a production set-up). The issuer is
 * played over real HTTP by the test, publishing its discovery document and its keys (one RSA, one
 * EC); tokens are signed here.
 */
class OidcIntegrationTest {

    private static final RSAKey RSA_KEY = rsaKey();
    private static final ECKey EC_KEY = ecKey();
    private static final RSAKey STRANGER_KEY = rsaKey();

    private static final RSAKey LATER_KEY = rsaKey();
    /** The keys the issuer publishes now. */
    private static final List<JWK> PUBLISHED =
            new CopyOnWriteArrayList<>(List.of(RSA_KEY.toPublicJWK(), EC_KEY.toPublicJWK()));

    private static final AtomicInteger KEY_FETCHES = new AtomicInteger();
    /** How long the issuer takes to answer for its keys. */
    private static volatile Duration keysDelay = Duration.ZERO;

    private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();

    private static Vertx vertx;
    private static HttpServer issuer;
    private static FakeService orderService;
    private static FakeService paymentService;
    private static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        LOG.start();
        ((Logger) LoggerFactory.getLogger(OidcTokens.class)).addAppender(LOG);
        issuer = startIssuer(0);
        orderService = FakeService.start(vertx);
        paymentService = FakeService.start(vertx);
        gateway = GatewayUnderTest.start(Map.of(
                "SHOP_GATEWAY_OIDC_ISSUER",
                issuerUrl(),
                "SHOP_GATEWAY_OIDC_AUDIENCE",
                "shop-api",
                "SHOP_RATE_LIMIT",
                "0",
                // This suite sends many refused tokens from one address: the failed-authentication limit is tested
                // apart.
                "SHOP_AUTH_FAILURE_LIMIT",
                "0",
                "SHOP_GATEWAY_OIDC_UNKNOWN_KEY_REFETCH",
                "1s",
                "ORDER_SERVICE_URL",
                orderService.url(),
                "PAYMENT_SERVICE_URL",
                paymentService.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        vertx.close().await();
    }

    @AfterEach
    void forget() {
        orderService.forget();
        paymentService.forget();
    }

    @Test
    void acceptsRs256AndEs256TokensFromTheIssuerForTheAudience() {
        for (String token : List.of(
                token(RSA_KEY, issuerUrl(), "shop-api", later(), List.of()),
                token(EC_KEY, issuerUrl(), "shop-api", later(), List.of()))) {
            assertThat(call(token).statusCode()).isEqualTo(200);
            String authorization = orderService.next().header("Authorization");
            InternalCall call = TestTokens.tokens("order-service").verify(authorization.substring("Bearer ".length()));
            assertThat(call).isEqualTo(new InternalCall("api-gateway", new Caller("Gregor", Role.CUSTOMER)));
        }
    }

    @Test
    void takesAdminsFromTheRolesClaim() {
        String admin = token(RSA_KEY, issuerUrl(), "shop-api", later(), List.of("reader", "admin"));
        String customer = token(RSA_KEY, issuerUrl(), "shop-api", later(), List.of("reader"));
        assertThat(gateway.get("/transactions", admin).statusCode()).isEqualTo(200);
        assertThat(gateway.get("/transactions", customer).statusCode()).isEqualTo(403);
    }

    @Test
    void acceptsRfc9068AccessTokensAndAClockASecondsOff() {
        String accessToken =
                token(RSA_KEY, new JOSEObjectType("at+jwt"), claims(issuerUrl(), "shop-api", later(), List.of()));
        assertThat(call(accessToken).statusCode()).isEqualTo(200);
        JWTClaimsSet justExpired = new JWTClaimsSet.Builder(
                        claims(issuerUrl(), "shop-api", Instant.now().minusSeconds(10), List.of()))
                .notBeforeTime(Date.from(Instant.now().plusSeconds(10)))
                .build();
        assertThat(call(token(RSA_KEY, null, justExpired)).statusCode())
                .as("within the clock skew")
                .isEqualTo(200);
    }

    @Test
    void refusesTokensFromElsewhereForOthersOrPastTheirTime() throws Exception {
        JWTClaimsSet notYet = new JWTClaimsSet.Builder(claims(issuerUrl(), "shop-api", later(), List.of()))
                .notBeforeTime(Date.from(Instant.now().plusSeconds(300)))
                .build();
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("signed by a stranger", token(STRANGER_KEY, issuerUrl(), "shop-api", later(), List.of()));
        refused.put("another issuer", token(RSA_KEY, "https://another.example", "shop-api", later(), List.of()));
        refused.put("another audience", token(RSA_KEY, issuerUrl(), "another-api", later(), List.of()));
        refused.put(
                "expired", token(RSA_KEY, issuerUrl(), "shop-api", Instant.now().minusSeconds(300), List.of()));
        refused.put("not yet valid", token(RSA_KEY, null, notYet));
        refused.put(
                "of another type",
                token(
                        RSA_KEY,
                        new JOSEObjectType("id_token+jwt"),
                        claims(issuerUrl(), "shop-api", later(), List.of())));
        refused.put(
                "unsigned (alg none)", new PlainJWT(claims(issuerUrl(), "shop-api", later(), List.of())).serialize());
        refused.put("signed with a shared secret", hs256("a-shared-secret-of-at-least-32-bytes!!".getBytes()));
        refused.put(
                "HS256 with the issuer's public key as the secret",
                hs256(RSA_KEY.toRSAPublicKey().getEncoded()));
        refused.put(
                "HS256 with the issuer's public JWK as the secret",
                hs256(RSA_KEY.toPublicJWK().toJSONString().getBytes()));
        refused.put("an API key, where there are none", "local-gregor-key");
        LOG.list.clear();
        refused.forEach((what, token) -> {
            HttpResponse<String> response = call(token);
            assertThat(response.statusCode()).as(what).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer");
            assertThat(response.body()).doesNotContain(token);
        });
        assertThat(orderService.receivedNothing()).isTrue();
        List<ILoggingEvent> events = List.copyOf(LOG.list);
        assertThat(events)
                .allSatisfy(event -> refused.values()
                        .forEach(
                                token -> assertThat(event.getFormattedMessage()).doesNotContain(token)));
        List<ILoggingEvent> warnings =
                events.stream().filter(event -> event.getLevel() == Level.WARN).toList();
        assertThat(warnings)
                .as("one for each refusal but the API key's")
                .hasSizeGreaterThanOrEqualTo(refused.size() - 1);
        List<String> messages =
                warnings.stream().map(ILoggingEvent::getFormattedMessage).toList();
        // (A stranger's kid is "unknown kid" when the keys were fetched less than a second ago, else no key matches.)
        for (String reason : List.of(
                "iss claim",
                "aud claim",
                "Expired",
                "before use time",
                "typ",
                "not a signed JWT",
                "Another algorithm expected, or no matching key")) {
            assertThat(messages)
                    .as("a refusal logged for its reason")
                    .anySatisfy(message -> assertThat(message)
                            .startsWith("Refused a bearer token: ")
                            .contains(reason));
        }
    }

    @Test
    void fetchesTheKeysAgainForAnUnknownKidAtMostOnceASecond() throws Exception {
        String fromANewKey = token(LATER_KEY, issuerUrl(), "shop-api", later(), List.of());
        Thread.sleep(1_100); // past the least time between two fetches
        int before = KEY_FETCHES.get();
        LOG.list.clear();
        long started = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            assertThat(call(fromANewKey).statusCode()).isEqualTo(401);
        }
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        assertThat(KEY_FETCHES.get() - before)
                .as("key fetches for 20 tokens naming an unknown kid, in %d s", seconds)
                .isBetween(1, (int) seconds + 2);
        assertThat(messagesContaining("unknown kid"))
                .as("refused at once, without a fetch")
                .isNotEmpty();
        PUBLISHED.add(LATER_KEY.toPublicJWK());
        try {
            Instant deadline = Instant.now().plusSeconds(10);
            while (call(fromANewKey).statusCode() != 200) {
                assertThat(Instant.now()).as("the new key taken").isBefore(deadline);
                Thread.sleep(200);
            }
        } finally {
            PUBLISHED.remove(LATER_KEY.toPublicJWK());
        }
    }

    /**
     * Requests whose tokens name a key not fetched yet wait together for one fetch of the keys; each
     * then goes on in its own trace, not in that of the request that started the fetch.
     */
    @Test
    void keepsEachRequestWaitingForTheKeysInItsOwnTrace() throws Exception {
        RSAKey newKey = rsaKey();
        PUBLISHED.add(newKey.toPublicJWK());
        keysDelay = Duration.ofMillis(500);
        try {
            Thread.sleep(1_100); // past the least time between two fetches
            List<String> traceIds = new ArrayList<>();
            List<Callable<Integer>> requests = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String traceId = UUID.randomUUID().toString().replace("-", "");
                String bearer = token(newKey, issuerUrl(), "shop-api", later().plusSeconds(i), List.of());
                traceIds.add(traceId);
                requests.add(() -> gateway.send(gateway.request("/orders")
                                .header("Authorization", "Bearer " + bearer)
                                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                                .GET())
                        .statusCode());
            }
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (Future<Integer> status : pool.invokeAll(requests)) {
                    assertThat(status.get()).isEqualTo(200);
                }
            }
            List<String> tracesReceived = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                tracesReceived.add(orderService.next().header("traceparent").split("-")[1]);
            }
            assertThat(tracesReceived).containsExactlyInAnyOrderElementsOf(traceIds);
        } finally {
            keysDelay = Duration.ZERO;
            PUBLISHED.remove(newKey.toPublicJWK());
        }
    }

    @Test
    void takesAVerifiedTokenUntilItExpiresWithoutCheckingItAgain() throws Exception {
        String seen = token(LATER_KEY, issuerUrl(), "shop-api", later(), List.of());
        PUBLISHED.add(LATER_KEY.toPublicJWK());
        try {
            awaitStatus(gateway, seen, 200);
        } finally {
            PUBLISHED.remove(LATER_KEY.toPublicJWK());
        }
        // The key withdrawn, and the gateway's keys fetched again (for a token naming a kid it does not know).
        Thread.sleep(1_100);
        int fetches = KEY_FETCHES.get();
        assertThat(call(token(STRANGER_KEY, issuerUrl(), "shop-api", later(), List.of()))
                        .statusCode())
                .isEqualTo(401);
        assertThat(KEY_FETCHES.get()).isGreaterThan(fetches);
        String unseen = token(LATER_KEY, issuerUrl(), "shop-api", later().plusSeconds(1), List.of());
        assertThat(call(unseen).statusCode())
                .as("a new token signed with the withdrawn key")
                .isEqualTo(401);
        assertThat(call(seen).statusCode())
                .as("the token accepted before, until it expires")
                .isEqualTo(200);
    }

    @Test
    void refusesTokensWhileTheIssuerIsDownAtStartThenTakesThemOnceItAnswers() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String laterIssuer = "http://127.0.0.1:" + port + "/realms/shop";
        try (GatewayUnderTest cutOff = GatewayUnderTest.start(Map.of(
                "SHOP_GATEWAY_OIDC_ISSUER",
                laterIssuer,
                "SHOP_GATEWAY_OIDC_UNKNOWN_KEY_REFETCH",
                "1s",
                "ORDER_SERVICE_URL",
                orderService.url(),
                "PAYMENT_SERVICE_URL",
                paymentService.url()))) {
            String token = token(RSA_KEY, laterIssuer, "shop", later(), List.of());
            assertThat(cutOff.get("/orders", token).statusCode()).isEqualTo(401);
            assertThat(cutOff.get("/orders", token).statusCode()).isEqualTo(401);
            assertThat(orderService.receivedNothing()).isTrue();
            HttpServer late = startIssuer(port);
            try {
                awaitStatus(cutOff, token, 200);
            } finally {
                late.close().await();
            }
        }
    }

    @Test
    void refusesEveryTokenOfAnIssuerWhoseDiscoveryDocumentNamesAnother() throws Exception {
        try (GatewayUnderTest misled = GatewayUnderTest.start(Map.of(
                "SHOP_GATEWAY_OIDC_ISSUER", issuerUrl().replace("/realms/shop", "/realms/liar"),
                "ORDER_SERVICE_URL", orderService.url(),
                "PAYMENT_SERVICE_URL", paymentService.url()))) {
            String token =
                    token(RSA_KEY, issuerUrl().replace("/realms/shop", "/realms/liar"), "shop", later(), List.of());
            assertThat(misled.get("/orders", token).statusCode()).isEqualTo(401);
            assertThat(LOG.list)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(message -> assertThat(message).contains("names another issuer"));
        }
        assertThat(orderService.receivedNothing()).isTrue();
    }

    private static List<String> messagesContaining(String text) {
        return List.copyOf(LOG.list).stream()
                .map(ILoggingEvent::getFormattedMessage)
                .filter(message -> message.contains(text))
                .toList();
    }

    private static void awaitStatus(GatewayUnderTest gateway, String token, int status) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(40);
        while (gateway.get("/orders", token).statusCode() != status) {
            assertThat(Instant.now()).as("answered " + status + " in time").isBefore(deadline);
            Thread.sleep(200);
        }
    }

    /**
     * The issuer: its discovery document and its keys, and at {@code /realms/liar} a discovery
     * document naming another issuer.
     */
    private static HttpServer startIssuer(int port) {
        HttpServer server = vertx.createHttpServer().requestHandler(request -> {
            String base = "http://127.0.0.1:" + request.localAddress().port() + "/realms/shop";
            switch (request.path()) {
                case "/realms/shop/.well-known/openid-configuration", "/realms/liar/.well-known/openid-configuration" ->
                    request.response()
                            .putHeader("Content-Type", "application/json")
                            .end("{\"issuer\":\"%s\",\"jwks_uri\":\"%s/keys\"}".formatted(base, base));
                case "/realms/shop/keys" -> {
                    KEY_FETCHES.incrementAndGet();
                    String published = new JWKSet(List.copyOf(PUBLISHED)).toString();
                    vertx.setTimer(
                            1 + keysDelay.toMillis(),
                            answer -> request.response()
                                    .putHeader("Content-Type", "application/json")
                                    .end(published));
                }
                default -> request.response().setStatusCode(404).end();
            }
        });
        return server.listen(port, "127.0.0.1").await();
    }

    private static HttpResponse<String> call(String bearer) {
        return gateway.get("/orders", bearer);
    }

    private static Instant later() {
        return Instant.now().plusSeconds(300);
    }

    private static JWTClaimsSet claims(String iss, String audience, Instant expires, List<String> roles) {
        return new JWTClaimsSet.Builder()
                .issuer(iss)
                .audience(audience)
                .subject("Gregor")
                .issueTime(Date.from(Instant.now().minusSeconds(5)))
                .expirationTime(Date.from(expires))
                .jwtID(UUID.randomUUID().toString())
                .claim("roles", roles)
                .build();
    }

    private static String token(JWK key, String iss, String audience, Instant expires, List<String> roles) {
        return token(key, null, claims(iss, audience, expires, roles));
    }

    private static String token(JWK key, JOSEObjectType type, JWTClaimsSet claims) {
        try {
            JWSAlgorithm algorithm = key instanceof ECKey ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
            JWSSigner signer = key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key);
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(algorithm)
                            .keyID(key.getKeyID())
                            .type(type)
                            .build(),
                    claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signed with HS256 and {@code secret}, naming the issuer's RSA key (key confusion, when the secret is public). */
    private static String hs256(byte[] secret) {
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.HS256)
                            .keyID(RSA_KEY.getKeyID())
                            .build(),
                    claims(issuerUrl(), "shop-api", later(), List.of("admin")));
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String issuerUrl() {
        return "http://127.0.0.1:" + issuer.actualPort() + "/realms/shop";
    }

    private static RSAKey rsaKey() {
        try {
            return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ECKey ecKey() {
        try {
            return new ECKeyGenerator(Curve.P_256)
                    .keyID(UUID.randomUUID().toString())
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
