package shop.gateway.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.openapi.contract.Operation;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import shop.gateway.GatewayUnderTest;
import shop.testing.ContractChecker;

/**
 * The contract as the gateway serves it: the routes it serves are exactly the contract's
 * operations (and the other way round), the file is served as written, and Swagger UI shows it.
 */
class ContractIntegrationTest {

    /** What the gateway serves beside the API, outside the contract. */
    private static final Set<String> OUTSIDE_THE_CONTRACT = Set.of(
            "GET /openapi.yaml",
            "GET /docs",
            "GET /docs/shop-docs.js",
            "GET /docs/swagger-ui.css",
            "GET /docs/swagger-ui-bundle.js",
            "GET /docs/swagger-ui-standalone-preset.js",
            "GET /docs/favicon-32x32.png",
            "GET /",
            "GET /console",
            "GET /web/config.json",
            "GET /web/shop.css",
            "GET /web/api.js",
            "GET /web/signin.js",
            "GET /web/storefront.js",
            "GET /web/console.js");

    private static final Path CONTRACT = Path.of("..", "api", "openapi.yaml");

    private static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        gateway = GatewayUnderTest.start(Map.of(
                "SHOP_PROFILE",
                "local",
                "ORDER_SERVICE_URL",
                "http://127.0.0.1:9",
                "PAYMENT_SERVICE_URL",
                "http://127.0.0.1:9"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void servesExactlyTheOperationsOfTheContract() {
        Set<String> api = new TreeSet<>();
        Set<String> besides = new TreeSet<>();
        for (Route route : gateway.router().getRoutes()) {
            if (route.getSubRouter() != null) {
                api.addAll(routes(route.getSubRouter()));
            } else if (route.getPath() != null) {
                besides.addAll(routes(route));
            }
        }
        Set<String> contract = new TreeSet<>();
        for (Operation operation : GatewayUnderTest.contract().contract().operations()) {
            contract.add(operation.getHttpMethod().name() + " " + operation.getOpenAPIPath());
        }
        assertThat(api).isEqualTo(contract);
        assertThat(besides).isSubsetOf(OUTSIDE_THE_CONTRACT);
    }

    @Test
    void asksForCredentialsOnEveryCallButTheCatalog() {
        Set<String> open = new TreeSet<>();
        for (Operation operation : GatewayUnderTest.contract().contract().operations()) {
            if (operation.getSecurityRequirements().stream().allMatch(requirement -> requirement.isEmpty())) {
                open.add(operation.getOperationId());
            }
        }
        assertThat(open).containsExactly("listProducts");
    }

    @Test
    void isAValidOpenApi31DocumentAsTheRepositoryHasIt() {
        try (ContractChecker checker = ContractChecker.load(CONTRACT)) {
            JsonObject order = checker.contract()
                    .getRawContract()
                    .getJsonObject("components")
                    .getJsonObject("schemas")
                    .getJsonObject("PlaceOrder");
            assertThat(order.getBoolean("additionalProperties")).isFalse();
            assertThat(order.getJsonObject("else").getJsonArray("required"))
                    .as("item, unless lines")
                    .containsExactly("item");
        }
    }

    @Test
    void servesTheContractAsWritten() throws IOException {
        HttpResponse<String> response = gateway.sendUnchecked(gateway.request("/openapi.yaml"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/yaml");
        assertThat(response.body()).isEqualTo(Files.readString(CONTRACT)).contains("application/problem+json");
    }

    @Test
    void showsTheContractInSwaggerUiFromTheJarUnderAPolicyOfItsOwn() {
        HttpResponse<String> page = gateway.sendUnchecked(gateway.request("/docs"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(policy)
                .contains("script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline")
                .doesNotContain("http");
        assertThat(page.body())
                .contains("<script src=\"/docs/swagger-ui-bundle.js\">")
                .doesNotContain("<script>")
                .doesNotContain("://");

        Map<String, String> files = Map.of(
                "/docs/swagger-ui-bundle.js", "text/javascript",
                "/docs/swagger-ui-standalone-preset.js", "text/javascript",
                "/docs/shop-docs.js", "text/javascript",
                "/docs/swagger-ui.css", "text/css",
                "/docs/favicon-32x32.png", "image/png");
        files.forEach((path, type) -> {
            HttpResponse<String> file = gateway.sendUnchecked(gateway.request(path));
            assertThat(file.statusCode()).as(path).isEqualTo(200);
            assertThat(file.headers().firstValue("Content-Type").orElseThrow())
                    .as(path)
                    .startsWith(type);
        });
        assertThat(gateway.sendUnchecked(gateway.request("/docs/shop-docs.js")).body())
                .contains("'/openapi.yaml'");
        assertThat(gateway.sendUnchecked(gateway.request("/docs/index.html")).statusCode())
                .as("only the files the page uses")
                .isEqualTo(404);

        HttpResponse<String> api = gateway.send(gateway.request("/products"));
        assertThat(api.headers().firstValue("Content-Security-Policy").orElseThrow())
                .startsWith("default-src 'none'");
    }

    private static Set<String> routes(Router router) {
        Set<String> all = new TreeSet<>();
        for (Route route : router.getRoutes()) {
            if (route.getPath() != null) {
                all.addAll(routes(route));
            }
        }
        return all;
    }

    private static Set<String> routes(Route route) {
        Set<String> all = new TreeSet<>();
        String path = route.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
        Set<HttpMethod> methods = route.methods() == null || route.methods().isEmpty() ? Set.of() : route.methods();
        if (methods.isEmpty()) {
            all.add("ANY " + path);
        }
        methods.forEach(method -> all.add(method.name() + " " + path));
        return all;
    }
}
