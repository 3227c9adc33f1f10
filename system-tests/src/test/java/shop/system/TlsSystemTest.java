package shop.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static shop.system.Gateway.ADMIN;
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
 * Shop with TLS on every hop from one setting: the three services as real processes, each given
 * only {@code SHOP_TLS_DIR} (a directory as a cert-manager Secret) and the others' URLs as plain
 * {@code http}; each serves HTTPS only and calls the others over TLS, trusting the directory's CA.
 * The same flows as over plain HTTP ({@link ShopSystemTest}, with no TLS setting at all).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsSystemTest {

    private ShopProcesses shop;
    private Gateway gateway;

    @BeforeAll
    void start() throws Exception {
        shop = new ShopProcesses("tls").withTls().start();
        gateway = new Gateway(shop.gatewayUrl());
    }

    @AfterAll
    void stop() throws Exception {
        shop.close();
    }

    @Test
    void ordersAndPaysOverTlsOnEveryHopWithHsts() {
        assertThat(shop.gatewayUrl()).startsWith("https://");
        var placed = gateway.post("/orders", GREGOR, "{\"item\":\"t-shirt\",\"price\":100,\"customer\":\"Gregor\"}");
        assertThat(placed.status())
                .as("gateway -> order-service -> payment-service")
                .isEqualTo(201);
        assertThat(placed.json().get("status").asText()).isEqualTo("PAID");
        assertThat(placed.header("Strict-Transport-Security")).isEqualTo("max-age=31536000");
        String id = placed.json().get("id").asText();
        assertThat(gateway.get("/transactions?orderId=" + id, ADMIN).json())
                .as("gateway -> payment-service")
                .hasSize(1);
        for (String service : ShopProcesses.SERVICES) {
            assertThat(shop.log(service)).contains("ready on https://");
        }
    }

    @Test
    void callsTheServicesBehindOverTlsThoughTheirUrlsSayHttp() {
        assertThat(shop.internalUrl("order-service")).startsWith("http://");
        assertThat(shop.internalUrl("payment-service")).startsWith("http://");
        // The services behind the gateway take no plain HTTP (below): a call that got an answer was TLS.
        var placed = gateway.post("/orders", GREGOR, "{\"item\":\"t-shirt\",\"price\":100,\"customer\":\"Gregor\"}");
        assertThat(placed.status()).isEqualTo(201);
        assertThat(placed.json().get("status").asText())
                .as("order-service -> payment-service")
                .isEqualTo("PAID");
        assertThat(shop.log("order-service")).contains("calls to payment-service over TLS (SHOP_TLS_DIR)");
        assertThat(shop.log("api-gateway"))
                .contains("calls to order-service over TLS (SHOP_TLS_DIR)")
                .contains("calls to payment-service over TLS (SHOP_TLS_DIR)");
    }

    @Test
    void takesNoPlainHttpOnAnyPort() throws Exception {
        HttpClient plain =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (String service : ShopProcesses.SERVICES) {
            var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + shop.port(service) + "/products"))
                    .timeout(Duration.ofSeconds(5))
                    .build();
            assertThatThrownBy(() -> plain.send(request, HttpResponse.BodyHandlers.ofString()))
                    .as(service)
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void refusesAClientThatDoesNotTrustTheCertificate() throws Exception {
        HttpClient trustingTheJdksCasOnly =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        var request = HttpRequest.newBuilder(URI.create(shop.gatewayUrl() + "/products"))
                .timeout(Duration.ofSeconds(5))
                .build();
        assertThatThrownBy(() -> trustingTheJdksCasOnly.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }
}
