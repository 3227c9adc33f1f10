package shop.gateway.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;
import shop.testing.TestTokens;

/**
 * The gateway with an OIDC issuer and no API keys at all (a production set-up). The issuer is
 * played over real HTTP by the test, publishing its discovery document and keys; the services
 * behind are down, so an accepted token shows as 503 and a refused one as 401.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "shop.gateway.oidc.audience=shop-api", "shop.gateway.downstreams.order-service=http://127.0.0.1:9",
        "shop.gateway.downstreams.payment-service=http://127.0.0.1:9" })
@AutoConfigureRestTestClient
class OidcIntegrationTest {

    private static final RSAKey ISSUER_KEY = generateKey();
    private static final RSAKey STRANGER_KEY = generateKey();
    private static final HttpServer issuer = startIssuer();

    @DynamicPropertySource
    static void oidc(DynamicPropertyRegistry registry) {
        registry.add("shop.gateway.oidc.issuer", OidcIntegrationTest::issuerUrl);
        TestTokens.register(registry);
    }

    @AfterAll
    static void stopIssuer() {
        issuer.stop(0);
    }

    @Autowired
    RestTestClient http;

    @Test
    void acceptsATokenFromTheIssuerForTheAudience() {
        call(token(ISSUER_KEY, issuerUrl(), "shop-api", Instant.now().plusSeconds(300), List.of()))
            .expectStatus().isEqualTo(503);
    }

    @Test
    void takesAdminsFromTheRolesClaim() {
        String admin = token(ISSUER_KEY, issuerUrl(), "shop-api", Instant.now().plusSeconds(300), List.of("admin"));
        String customer = token(ISSUER_KEY, issuerUrl(), "shop-api", Instant.now().plusSeconds(300), List.of());
        http.get().uri("/transactions").header("Authorization", "Bearer " + admin).exchange()
            .expectStatus().isEqualTo(503);
        http.get().uri("/transactions").header("Authorization", "Bearer " + customer).exchange()
            .expectStatus().isForbidden();
    }

    @Test
    void refusesTokensFromElsewhereForOthersOrPastTheirTime() {
        Instant later = Instant.now().plusSeconds(300);
        call(token(STRANGER_KEY, issuerUrl(), "shop-api", later, List.of())).expectStatus().isUnauthorized();
        call(token(ISSUER_KEY, "https://another.example", "shop-api", later, List.of())).expectStatus().isUnauthorized();
        call(token(ISSUER_KEY, issuerUrl(), "another-api", later, List.of())).expectStatus().isUnauthorized();
        call(token(ISSUER_KEY, issuerUrl(), "shop-api", Instant.now().minusSeconds(300), List.of()))
            .expectStatus().isUnauthorized();
        call("local-gregor-key").expectStatus().isUnauthorized();
    }

    private RestTestClient.ResponseSpec call(String bearer) {
        return http.get().uri("/orders").header("Authorization", "Bearer " + bearer).exchange();
    }

    private static String token(RSAKey key, String iss, String audience, Instant expires, List<String> roles) {
        var claims = new JWTClaimsSet.Builder().issuer(iss).audience(audience).subject("Gregor")
            .issueTime(Date.from(Instant.now().minusSeconds(5))).expirationTime(Date.from(expires))
            .jwtID(UUID.randomUUID().toString()).claim("roles", roles).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        }
        catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static String issuerUrl() {
        return "http://127.0.0.1:" + issuer.getAddress().getPort() + "/realms/shop";
    }

    private static RSAKey generateKey() {
        try {
            return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
        }
        catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpServer startIssuer() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/realms/shop/.well-known/openid-configuration", exchange -> {
                String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/shop";
                send(exchange, "{\"issuer\":\"%s\",\"jwks_uri\":\"%s/keys\"}".formatted(base, base));
            });
            server.createContext("/realms/shop/keys",
                    exchange -> send(exchange, new JWKSet(ISSUER_KEY.toPublicJWK()).toString()));
            server.start();
            return server;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(com.sun.net.httpserver.HttpExchange exchange, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
