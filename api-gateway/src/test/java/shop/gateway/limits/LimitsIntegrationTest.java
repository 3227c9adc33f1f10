package shop.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.client.RestTestClient;

/**
 * The gateway's rate limit (2 a second, bursts of 4, for this test) and a configured CORS
 * origin, over real HTTP. Nothing listens behind it: a call that passes the limits gets 503.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "shop.gateway.rate-limit=2", "shop.gateway.cors-allowed-origins=https://shop.example",
        "shop.gateway.downstreams.order-service=http://127.0.0.1:9",
        "shop.gateway.downstreams.payment-service=http://127.0.0.1:9" })
@ActiveProfiles("local")
@AutoConfigureRestTestClient
class LimitsIntegrationTest {

    @Autowired
    RestTestClient http;

    @Test
    void answers429WithRetryAfterPastTheCallersLimitOnly() {
        List<Integer> statuses = new ArrayList<>();
        RestTestClient.ResponseSpec limited = null;
        while (limited == null && statuses.size() < 100) {
            var response = http.get().uri("/orders").header("Authorization", "Bearer local-alice-key").exchange();
            int status = response.returnResult(String.class).getStatus().value();
            statuses.add(status);
            if (status == 429) {
                limited = response;
            }
        }
        assertThat(statuses).as("a burst of twice the rate passes first").startsWith(503, 503, 503, 503).contains(429);
        limited.expectHeader().exists("Retry-After")
            .expectHeader().contentType("application/problem+json")
            .expectBody().jsonPath("$.type").isEqualTo("urn:shop:problem:too-many-requests");
        http.get().uri("/orders").header("Authorization", "Bearer local-gregor-key").exchange()
            .expectStatus().isEqualTo(503);
    }

    @Test
    void letsAConfiguredOriginCallFromABrowser() {
        http.options().uri("/orders").header("Origin", "https://shop.example")
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "Authorization, Content-Type").exchange()
            .expectStatus().isOk()
            .expectHeader().valueEquals("Access-Control-Allow-Origin", "https://shop.example");
        http.options().uri("/orders").header("Origin", "https://evil.example")
            .header("Access-Control-Request-Method", "POST").exchange()
            .expectStatus().isForbidden()
            .expectHeader().doesNotExist("Access-Control-Allow-Origin");
    }
}
