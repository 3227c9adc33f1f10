package shop.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
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
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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

    private static Vertx vertx;
    private static HttpServer issuer;
    private static FakeService orderService;
    private static FakeService paymentService;
    private static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        issuer = vertx.createHttpServer().requestHandler(request -> {
            String base = issuerUrl();
            switch (request.path()) {
                case "/realms/shop/.well-known/openid-configuration" ->
                    request.response()
                            .putHeader("Content-Type", "application/json")
                            .end("{\"issuer\":\"%s\",\"jwks_uri\":\"%s/keys\"}".formatted(base, base));
                case "/realms/shop/keys" ->
                    request.response()
                            .putHeader("Content-Type", "application/json")
                            .end(new JWKSet(List.<JWK>of(RSA_KEY.toPublicJWK(), EC_KEY.toPublicJWK())).toString());
                default -> request.response().setStatusCode(404).end();
            }
        });
        issuer.listen(0, "127.0.0.1").await();
        orderService = FakeService.start(vertx);
        paymentService = FakeService.start(vertx);
        gateway = GatewayUnderTest.start(Map.of(
                "SHOP_GATEWAY_OIDC_ISSUER", issuerUrl(),
                "SHOP_GATEWAY_OIDC_AUDIENCE", "shop-api",
                "SHOP_RATE_LIMIT", "0",
                "ORDER_SERVICE_URL", orderService.url(),
                "PAYMENT_SERVICE_URL", paymentService.url()));
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
            InternalCall call = TestTokens.tokens("order-service", TestTokens.KEY)
                    .verify(authorization.substring("Bearer ".length()));
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
    void refusesTokensFromElsewhereForOthersOrPastTheirTime() {
        Map<String, String> refused = Map.of(
                "signed by a stranger", token(STRANGER_KEY, issuerUrl(), "shop-api", later(), List.of()),
                "another issuer", token(RSA_KEY, "https://another.example", "shop-api", later(), List.of()),
                "another audience", token(RSA_KEY, issuerUrl(), "another-api", later(), List.of()),
                "expired", token(RSA_KEY, issuerUrl(), "shop-api", Instant.now().minusSeconds(300), List.of()),
                "unsigned", new PlainJWT(claims(issuerUrl(), "shop-api", later(), List.of())).serialize(),
                "signed with a shared secret", hs256(),
                "an API key, where there are none", "local-gregor-key");
        refused.forEach((what, token) -> {
            HttpResponse<String> response = call(token);
            assertThat(response.statusCode()).as(what).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer");
            assertThat(response.body()).doesNotContain(token);
        });
        assertThat(orderService.receivedNothing()).isTrue();
    }

    @Test
    void refusesTokensAtOnceWhileTheIssuerCannotBeReached() {
        try (GatewayUnderTest cutOff = GatewayUnderTest.start(Map.of(
                "SHOP_GATEWAY_OIDC_ISSUER", "http://127.0.0.1:9/realms/shop",
                "ORDER_SERVICE_URL", orderService.url(),
                "PAYMENT_SERVICE_URL", paymentService.url()))) {
            String token = token(RSA_KEY, "http://127.0.0.1:9/realms/shop", "shop", later(), List.of());
            assertThat(cutOff.get("/orders", token).statusCode()).isEqualTo(401);
            long started = System.nanoTime();
            assertThat(cutOff.get("/orders", token).statusCode()).isEqualTo(401);
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - started))
                    .isLessThan(java.time.Duration.ofSeconds(1));
        }
        assertThat(orderService.receivedNothing()).isTrue();
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
        try {
            JWSAlgorithm algorithm = key instanceof ECKey ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
            JWSSigner signer = key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key);
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build(),
                    claims(iss, audience, expires, roles));
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hs256() {
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader(JWSAlgorithm.HS256), claims(issuerUrl(), "shop-api", later(), List.of("admin")));
            jwt.sign(new MACSigner("a-shared-secret-of-at-least-32-bytes!!".getBytes()));
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
