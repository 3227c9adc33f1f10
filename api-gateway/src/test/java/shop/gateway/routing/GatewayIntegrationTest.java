package shop.gateway.routing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;
import shop.defaults.Caller;
import shop.defaults.InternalCall;
import shop.defaults.Role;
import shop.testing.TestTokens;

/**
 * The gateway over real HTTP with the local profile's demo keys; order-service is an
 * {@link EchoService} that shows what the gateway passed on, and payment-service is down.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("local")
@AutoConfigureRestTestClient
class GatewayIntegrationTest {

    private static final EchoService orderService = echo(201);

    @DynamicPropertySource
    static void downstreams(DynamicPropertyRegistry registry) {
        registry.add("shop.gateway.downstreams.order-service", orderService::url);
        // Nothing listens on port 9 (discard) here: payment-service is "down".
        registry.add("shop.gateway.downstreams.payment-service", () -> "http://127.0.0.1:9");
    }

    @AfterAll
    static void stop() {
        orderService.close();
    }

    @Autowired
    RestTestClient http;

    @Test
    void refusesACallWithoutAKey() {
        http.get().uri("/orders").exchange()
            .expectStatus().isUnauthorized()
            .expectHeader().valueEquals("WWW-Authenticate", "Bearer")
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody().jsonPath("$.type").isEqualTo("urn:shop:problem:unauthenticated");
    }

    @Test
    void refusesAWrongKey() {
        http.get().uri("/orders").header("Authorization", "Bearer local-mallory-key").exchange()
            .expectStatus().isUnauthorized();
        http.get().uri("/orders").header("Authorization", "Basic bG9jYWwtYWRtaW4ta2V5").exchange()
            .expectStatus().isUnauthorized();
    }

    @Test
    void servesTheCatalogWithoutAKey() {
        http.get().uri("/products").exchange().expectStatus().isCreated()
            .expectBody().jsonPath("$.uri").isEqualTo("/products")
            .jsonPath("$.authorization").value(authorization -> assertThat(callOf((String) authorization))
                .isEqualTo(new InternalCall("api-gateway", null)));
    }

    @Test
    void passesTheAuthenticatedCallerOnInASignedTokenAndNeverTheClientsClaimOrKey() {
        http.post().uri("/orders").header("Authorization", "Bearer local-alice-key")
            .header("X-Shop-Customer", "Gregor").header("X-Shop-Role", "ADMIN").header("Idempotency-Key", "k-1")
            .contentType(MediaType.APPLICATION_JSON).body("{\"item\":\"cap\"}").exchange()
            .expectStatus().isCreated()
            .expectHeader().valueEquals("Location", "/orders/42")
            .expectHeader().doesNotExist("X-Internal-Detail")
            .expectBody()
            .jsonPath("$.method").isEqualTo("POST")
            .jsonPath("$.claimedCustomer").isEqualTo("null")
            .jsonPath("$.idempotencyKey").isEqualTo("k-1")
            .jsonPath("$.body").isEqualTo("{'item':'cap'}")
            .jsonPath("$.authorization").value(authorization -> assertThat(callOf((String) authorization))
                .isEqualTo(new InternalCall("api-gateway", new Caller("Alice", Role.CUSTOMER))));
    }

    @Test
    void sendsSecurityHeadersOnEveryAnswer() {
        for (var response : List.of(http.get().uri("/products").exchange(), http.get().uri("/orders").exchange())) {
            response.expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
                .expectHeader().valueEquals("X-Frame-Options", "DENY")
                .expectHeader().valueMatches("Content-Security-Policy", ".*default-src 'none'.*");
        }
    }

    @Test
    void refusesCrossOriginCallsWhenNoOriginIsConfigured() {
        http.options().uri("/orders").header("Origin", "https://evil.example")
            .header("Access-Control-Request-Method", "POST").exchange()
            .expectHeader().doesNotExist("Access-Control-Allow-Origin");
        http.get().uri("/products").header("Origin", "https://evil.example").exchange()
            .expectHeader().doesNotExist("Access-Control-Allow-Origin");
    }

    @Test
    void passesQueryParametersOn() {
        http.get().uri("/orders?status=any&page=2").header("Authorization", "Bearer local-gregor-key").exchange()
            .expectBody().jsonPath("$.uri").isEqualTo("/orders?status=any&page=2");
    }

    @Test
    void letsOnlyAdminsListTransactions() {
        http.get().uri("/transactions").header("Authorization", "Bearer local-gregor-key").exchange()
            .expectStatus().isForbidden()
            .expectBody().jsonPath("$.type").isEqualTo("urn:shop:problem:forbidden");
    }

    @Test
    void answers503WhenAServiceIsDown() {
        http.get().uri("/transactions").header("Authorization", "Bearer local-admin-key").exchange()
            .expectStatus().isEqualTo(503)
            .expectHeader().exists("Retry-After")
            .expectBody().jsonPath("$.type").isEqualTo("urn:shop:problem:service-unavailable");
    }

    @Test
    void answersProblemsForWrongRoutesMethodsTypesAndSizes() {
        String key = "Bearer local-gregor-key";
        http.get().uri("/nowhere").header("Authorization", key).exchange()
            .expectStatus().isNotFound().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        http.delete().uri("/orders").header("Authorization", key).exchange()
            .expectStatus().isEqualTo(405).expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        http.post().uri("/orders").header("Authorization", key).contentType(MediaType.TEXT_PLAIN).body("cap")
            .exchange().expectStatus().isEqualTo(415).expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        http.post().uri("/orders").header("Authorization", key).contentType(MediaType.APPLICATION_JSON)
            .body("{\"item\":\"" + "x".repeat(20_000) + "\"}").exchange()
            .expectStatus().isEqualTo(413).expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    /** What order-service learns from the internal token the gateway sent (the local profile's key). */
    private static InternalCall callOf(String authorization) {
        assertThat(authorization).startsWith("Bearer ").doesNotContain("local-alice-key");
        return TestTokens.tokens("order-service", "local-only-internal-auth-key-never-use-in-production")
            .verify(authorization.substring("Bearer ".length()));
    }

    private static EchoService echo(int status) {
        try {
            return new EchoService(status);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
