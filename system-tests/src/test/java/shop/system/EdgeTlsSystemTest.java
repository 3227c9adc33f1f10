package shop.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static shop.system.Gateway.GREGOR;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * TLS at the edge alone, with the three file settings as before {@code SHOP_TLS_DIR}: the gateway
 * serves HTTPS, the services behind it plain HTTP, and the gateway calls them at their {@code http}
 * URLs. {@link TlsSystemTest} has TLS on every hop; the other system tests none at all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EdgeTlsSystemTest {

    private ShopProcesses shop;
    private Gateway gateway;

    @BeforeAll
    void start() throws Exception {
        shop = new ShopProcesses("edge-tls").withEdgeTls().start();
        gateway = new Gateway(shop.gatewayUrl());
    }

    @AfterAll
    void stop() throws Exception {
        shop.close();
    }

    @Test
    void servesHttpsAtTheGatewayAndCallsTheServicesBehindOverPlainHttp() throws Exception {
        assertThat(shop.gatewayUrl()).startsWith("https://");
        var placed = gateway.post("/orders", GREGOR, "{\"item\":\"t-shirt\",\"price\":100,\"customer\":\"Gregor\"}");
        assertThat(placed.status()).isEqualTo(201);
        assertThat(placed.json().get("status").asText()).isEqualTo("PAID");
        assertThat(placed.header("Strict-Transport-Security")).isEqualTo("max-age=31536000");

        HttpClient plain =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (String service : new String[] {"order-service", "payment-service"}) {
            var readiness = HttpRequest.newBuilder(URI.create(shop.internalUrl(service) + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(5))
                    .build();
            assertThat(plain.send(readiness, HttpResponse.BodyHandlers.discarding())
                            .statusCode())
                    .as(service + " over plain HTTP")
                    .isEqualTo(200);
            assertThat(shop.log(service)).contains("ready on http://").doesNotContain("over TLS");
        }
        assertThat(shop.log("api-gateway")).contains("ready on https://").doesNotContain("over TLS");
        var toTheGateway = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + shop.port("api-gateway") + "/products"))
                .timeout(Duration.ofSeconds(5))
                .build();
        assertThatThrownBy(() -> plain.send(toTheGateway, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }
}
