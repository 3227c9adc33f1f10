package shop.defaults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopologyTest {

    private static final Topology SHOP = Topology.SHOP;

    @Test
    void namesShopsThreeServicesInTheOrderTheyStartWithTheirPorts() {
        assertThat(SHOP.services())
                .extracting(Topology.Service::name, Topology.Service::port)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("payment-service", 8082),
                        org.assertj.core.groups.Tuple.tuple("order-service", 8081),
                        org.assertj.core.groups.Tuple.tuple("api-gateway", 8080));
        assertThat(SHOP.service("api-gateway").managementPort()).hasValue(9080);
        assertThat(SHOP.service("order-service").managementPort()).isEmpty();
    }

    @Test
    void eachCallerCalleePairIsOneKeyPair() {
        assertThat(SHOP.pairs())
                .containsExactly(
                        new Topology.Pair("api-gateway", "order-service"),
                        new Topology.Pair("api-gateway", "payment-service"),
                        new Topology.Pair("order-service", "payment-service"));
        assertThat(InternalKeys.local("payment-service").all())
                .extracting(key -> key.from() + " " + key.to())
                .containsExactlyInAnyOrder("api-gateway payment-service", "order-service payment-service");
    }

    @Test
    void variablesAreNamedAfterTheService() {
        Topology.Service gateway = SHOP.service("api-gateway");
        assertThat(List.of(gateway.portVariable(), gateway.managementPortVariable(), gateway.urlVariable()))
                .containsExactly("API_GATEWAY_PORT", "API_GATEWAY_MANAGEMENT_PORT", "API_GATEWAY_URL");
    }

    @Test
    void portsAndUrlsDefaultToTheTopologysAndYieldToTheirVariables() {
        Settings none = Settings.of(Map.of());
        assertThat(SHOP.port(none, "order-service")).isEqualTo(8081);
        assertThat(SHOP.managementPort(none, "api-gateway")).isEqualTo(9080);
        assertThat(SHOP.url(none, "payment-service")).isEqualTo(URI.create("http://localhost:8082"));

        Settings set = Settings.of(Map.of(
                "ORDER_SERVICE_PORT", "0",
                "API_GATEWAY_MANAGEMENT_PORT", "19080",
                "PAYMENT_SERVICE_URL", "https://payment-service.shop:8443/"));
        assertThat(SHOP.port(set, "order-service")).isZero();
        assertThat(SHOP.managementPort(set, "api-gateway")).isEqualTo(19080);
        assertThat(SHOP.url(set, "payment-service")).isEqualTo(URI.create("https://payment-service.shop:8443/"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"payment-service:8082", "ftp://localhost:8082", "http://localhost:8082/charges", "http:///x", "%"
            })
    void refusesAUrlThatIsNotAServicesBase(String url) {
        Settings settings = Settings.of(Map.of("PAYMENT_SERVICE_URL", url));
        assertThatThrownBy(() -> SHOP.url(settings, "payment-service"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "PAYMENT_SERVICE_URL must be an http(s) URL of payment-service, such as http://localhost:8082");
    }

    @Test
    void refusesAServiceItDoesNotHave() {
        assertThatThrownBy(() -> SHOP.service("shipping-service")).hasMessageContaining("no service shipping-service");
        assertThatThrownBy(() -> new Topology(
                        List.of(new Topology.Service("a", 1, java.util.OptionalInt.empty(), List.of("b")))))
                .hasMessageContaining("a calls a service the topology does not have");
    }
}
