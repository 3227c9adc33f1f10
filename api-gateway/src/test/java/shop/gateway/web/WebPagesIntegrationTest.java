package shop.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import shop.gateway.GatewayUnderTest;

/**
 * The storefront and the console as the gateway serves them: from the jar, under a strict policy
 * of their own (no inline script or style), configured for the profile. The pages themselves are
 * driven in a real browser by {@code WebPagesSystemTest} (system-tests).
 */
class WebPagesIntegrationTest {

    @Test
    void servesThePagesAndTheirFilesUnderAStrictPolicy() {
        try (GatewayUnderTest gateway = GatewayUnderTest.start(Map.of(
                "SHOP_PROFILE", "local",
                "ORDER_SERVICE_URL", "http://127.0.0.1:9",
                "PAYMENT_SERVICE_URL", "http://127.0.0.1:9"))) {
            Map<String, String> files = Map.of(
                    "/", "text/html",
                    "/console", "text/html",
                    "/web/shop.css", "text/css",
                    "/web/api.js", "text/javascript",
                    "/web/signin.js", "text/javascript",
                    "/web/storefront.js", "text/javascript",
                    "/web/console.js", "text/javascript");
            files.forEach((path, type) -> {
                HttpResponse<String> file = gateway.sendUnchecked(gateway.request(path));
                assertThat(file.statusCode()).as(path).isEqualTo(200);
                assertThat(file.headers().firstValue("Content-Type").orElseThrow())
                        .as(path)
                        .startsWith(type);
                assertThat(file.headers().firstValue("Content-Security-Policy").orElseThrow())
                        .as(path)
                        .contains(
                                "script-src 'self'",
                                "style-src 'self'",
                                "connect-src 'self';",
                                "frame-ancestors 'none'")
                        .doesNotContain("unsafe-inline")
                        .doesNotContain("unsafe-eval");
                assertThat(file.body())
                        .as(path + ": nothing inline that a strict policy would block, nothing from elsewhere")
                        .doesNotContain("<script>")
                        .doesNotContain("style=")
                        .doesNotContain("<style")
                        .doesNotContainPattern("\\son[a-z]+=")
                        .doesNotContain("innerHTML")
                        .doesNotContain("https://");
            });
            assertThat(gateway.sendUnchecked(gateway.request("/web/index.html")).statusCode())
                    .as("only the files the pages use")
                    .isEqualTo(404);

            JsonObject config = new JsonObject(
                    gateway.sendUnchecked(gateway.request("/web/config.json")).body());
            assertThat(config.getBoolean("local")).isTrue();
            assertThat(config.getJsonArray("demoKeys").encode()).contains("local-gregor-key", "local-admin-key");
            assertThat(config.getJsonArray("testCards").encode())
                    .contains("4242424242424242", "4000000000000002", "4000000000000119");
            assertThat(config.containsKey("oidc")).isFalse();
        }
    }

    @Test
    void offersNoDemoKeyOrTestCardOutsideTheLocalProfileAndTheIssuerWhenConfigured() {
        try (GatewayUnderTest gateway = GatewayUnderTest.start(Map.of(
                "SHOP_PROFILE", "production",
                "SHOP_GATEWAY_OIDC_ISSUER", "http://127.0.0.1:9/realms/shop",
                "SHOP_GATEWAY_OIDC_CLIENT_ID", "shop-web",
                "ORDER_SERVICE_URL", "http://127.0.0.1:9",
                "PAYMENT_SERVICE_URL", "http://127.0.0.1:9"))) {
            HttpResponse<String> answer = gateway.sendUnchecked(gateway.request("/web/config.json"));
            JsonObject config = new JsonObject(answer.body());
            assertThat(config.getBoolean("local")).isFalse();
            assertThat(config.containsKey("demoKeys")).isFalse();
            assertThat(config.containsKey("testCards")).isFalse();
            assertThat(answer.body()).doesNotContain("local-", "4242");
            assertThat(config.getJsonObject("oidc").getMap())
                    .containsEntry("issuer", "http://127.0.0.1:9/realms/shop")
                    .containsEntry("clientId", "shop-web")
                    .containsEntry("scope", "openid");
            assertThat(gateway.sendUnchecked(gateway.request("/"))
                            .headers()
                            .firstValue("Content-Security-Policy")
                            .orElseThrow())
                    .as("the page may read the issuer's discovery and exchange a code there")
                    .contains("connect-src 'self' http://127.0.0.1:9;");
        }
    }
}
