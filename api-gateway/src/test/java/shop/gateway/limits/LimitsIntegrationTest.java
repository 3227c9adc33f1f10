package shop.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import shop.gateway.GatewayUnderTest;
import shop.gateway.RawHttp;

/**
 * The gateway's limits over real HTTP: a rate limit of 2 a second (bursts of 4) for this test, a
 * configured CORS origin, and query strings it will not take apart. Nothing listens behind it: a
 * call that passes the limits gets 503.
 */
class LimitsIntegrationTest {

    private static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        gateway = GatewayUnderTest.start(Map.of(
                "SHOP_PROFILE", "local",
                "SHOP_RATE_LIMIT", "2",
                "SHOP_GATEWAY_CORS_ALLOWED_ORIGINS", "https://shop.example, https://admin.shop.example",
                "ORDER_SERVICE_URL", "http://127.0.0.1:9",
                "PAYMENT_SERVICE_URL", "http://127.0.0.1:9"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void answers429WithRetryAfterPastTheCallersLimitOnly() {
        List<Integer> statuses = new ArrayList<>();
        HttpResponse<String> limited = null;
        while (limited == null && statuses.size() < 100) {
            HttpResponse<String> response = gateway.get("/orders", "local-alice-key");
            statuses.add(response.statusCode());
            if (response.statusCode() == 429) {
                limited = response;
            }
        }
        assertThat(statuses)
                .as("a burst of twice the rate passes first")
                .startsWith(503, 503, 503, 503)
                .contains(429);
        assertThat(limited.headers().firstValue("Retry-After")).contains("1");
        assertThat(limited.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(new JsonObject(limited.body()).getString("type")).isEqualTo("urn:shop:problem:too-many-requests");
        assertThat(gateway.get("/orders", "local-gregor-key").statusCode())
                .as("another caller")
                .isEqualTo(503);
    }

    @Test
    void limitsEveryCallTheContractDocuments429For() {
        String admin = "Bearer local-admin-key";
        Map<String, Supplier<HttpRequest.Builder>> calls = Map.of(
                "placeOrder",
                        () -> gateway.request("/orders")
                                .header("Authorization", admin)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"cap\"}")),
                "listOrders", () -> gateway.request("/orders").header("Authorization", admin),
                "getOrder",
                        () -> gateway.request("/orders/6f1c2b1e-2f0a-4c57-9d43-5b8f1e0a9c11")
                                .header("Authorization", admin),
                "refundOrder",
                        () -> gateway.request("/orders/6f1c2b1e-2f0a-4c57-9d43-5b8f1e0a9c11/refund")
                                .header("Authorization", admin)
                                .POST(HttpRequest.BodyPublishers.noBody()),
                "listTransactions", () -> gateway.request("/transactions").header("Authorization", admin),
                "getSummary", () -> gateway.request("/admin/summary").header("Authorization", admin),
                "listProducts", () -> gateway.request("/products"),
                "setStock",
                        () -> gateway.request("/products/cap/stock")
                                .header("Authorization", admin)
                                .header("Content-Type", "application/json")
                                .PUT(HttpRequest.BodyPublishers.ofString("{\"available\":250}")),
                "addStock",
                        () -> gateway.request("/products/cap/stock/additions")
                                .header("Authorization", admin)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"units\":50}")),
                "setPrice",
                        () -> gateway.request("/products/cap/price")
                                .header("Authorization", admin)
                                .header("Content-Type", "application/json")
                                .PUT(HttpRequest.BodyPublishers.ofString("{\"price\":22.50}")));
        calls.forEach((operation, call) -> {
            int status = 0;
            for (int i = 0; i < 50 && status != 429; i++) {
                status = gateway.send(call.get()).statusCode();
            }
            assertThat(status).as(operation).isEqualTo(429);
        });
    }

    @Test
    void letsAConfiguredOriginCallFromABrowser() {
        HttpResponse<String> preflight = gateway.sendUnchecked(gateway.request("/orders")
                .header("Origin", "https://shop.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "Authorization, Content-Type, Idempotency-Key")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(preflight.statusCode()).isBetween(200, 204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
                .contains("https://shop.example");
        assertThat(preflight
                        .headers()
                        .firstValue("Access-Control-Allow-Headers")
                        .orElseThrow())
                .contains("Idempotency-Key");

        HttpResponse<String> call =
                gateway.send(gateway.request("/products").header("Origin", "https://admin.shop.example"));
        assertThat(call.headers().firstValue("Access-Control-Allow-Origin")).contains("https://admin.shop.example");
        assertThat(call.headers().firstValue("Access-Control-Expose-Headers").orElseThrow())
                .contains("Location");
    }

    @Test
    void refusesAnyOtherOrigin() {
        HttpResponse<String> preflight = gateway.sendUnchecked(gateway.request("/orders")
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(preflight.statusCode()).isEqualTo(403);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
                .isEmpty();
        HttpResponse<String> call = gateway.send(gateway.request("/products").header("Origin", "https://evil.example"));
        assertThat(call.statusCode()).isEqualTo(403);
        assertThat(call.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(call.body()).doesNotContain("evil");
    }

    @Test
    void treatsItsOwnPagesAsNoCrossOriginCall() {
        HttpResponse<String> call =
                gateway.send(gateway.request("/products").header("Origin", "http://127.0.0.1:" + gateway.port()));
        assertThat(call.statusCode()).isIn(429, 503);
    }

    // Defect: more than 1,000 query parameters gave a 500 and a stack trace in the log.

    @Test
    void refusesQueryStringsItWillNotTakeApartWith400() {
        HttpResponse<String> tooMany = gateway.get("/orders?" + "a=1&".repeat(1_001), "local-gregor-key");
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(tooMany.body()).getString("type")).isEqualTo("urn:shop:problem:invalid-request");
        assertThat(gateway.get("/orders?" + "a=1&".repeat(999), "local-gregor-key")
                        .statusCode())
                .isNotEqualTo(400);

        for (String target : List.of("/orders?status=%zz", "/orders?%", "/orders?a=%E0%A4%A")) {
            String answer = RawHttp.send(
                    gateway.port(),
                    RawHttp.request("GET", target, "Authorization: Bearer local-gregor-key\r\n", new byte[0]));
            assertThat(RawHttp.status(answer)).as(target).isEqualTo(400);
            assertThat(answer).as(target).contains("application/problem+json").doesNotContain("%zz");
        }
        for (String target : List.of("/orders?\u0001", "/orders?status=PAID\u00e9", "/orders/\u0007")) {
            String answer = RawHttp.send(
                    gateway.port(),
                    RawHttp.request("GET", target, "Authorization: Bearer local-gregor-key\r\n", new byte[0]));
            assertThat(RawHttp.status(answer)).as("raw bytes in %s", target).isEqualTo(400);
            assertThat(answer).contains("application/problem+json");
        }
    }
}
