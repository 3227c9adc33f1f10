package shop.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The compose file at the root (compose.yaml), brought up with podman-compose as a user without a
 * cluster would, on the images the build made, and an order placed through the gateway's published
 * port. PostgreSQL is the local image k8s/podman/make-local-images makes (no registry here); the
 * host ports are free ones, so that nothing else on the machine is in the way.
 */
class ComposeDeploymentIT {

    /** Its own project (containers, network, volume), apart from any "shop" a user has up. */
    private static final String PROJECT = "shop-compose-test";

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static Podman podman;
    private static Map<String, String> environment;
    private static String gateway;
    private static String management;

    @BeforeAll
    static void composeUp() throws IOException {
        List<Path> images = Podman.serviceImagesOrSkip("podman", "podman-compose");
        podman = new Podman(Kustomize.ROOT.resolve("deploy-tests/target/compose"));
        int port = freePort();
        int managementPort = freePort();
        environment = Map.of(
                "SHOP_GATEWAY_PORT", String.valueOf(port),
                "SHOP_GATEWAY_MANAGEMENT_PORT", String.valueOf(managementPort),
                "SHOP_POSTGRES_IMAGE", "localhost/shop-postgres:local");
        gateway = "http://127.0.0.1:" + port;
        management = "http://127.0.0.1:" + managementPort;
        composeDown(); // what an interrupted earlier run left
        podman.load(images);
        Podman.Result up = compose("up", "-d");
        assertThat(up.exit()).as(up.output()).isZero();
    }

    @AfterAll
    static void composeDown() {
        if (podman != null) {
            compose("down", "-v");
            // podman-compose 1.0.3 leaves the network it made.
            podman.tryRun(null, "network", "rm", "--force", PROJECT + "_default");
        }
    }

    @Test
    void placesAnOrderThroughThePublishedGatewayAndItIsPaid() throws Exception {
        awaitGatewayReady();

        HttpResponse<String> placed = HTTP.send(
                HttpRequest.newBuilder(URI.create(gateway + "/orders"))
                        .header("Authorization", "Bearer k8s-local-gregor-key")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("""
                        {"item": "mug", "price": 12.50, "customer": "Gregor", "paymentMethod": "4242424242424242"}"""))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        // Paid at once (201), or, a charge the just-started payment-service answered too late,
        // accepted PENDING (202) and paid by the order's next attempt: either way within the minute.
        assertThat(placed.statusCode()).as(placed.body()).isIn(201, 202);
        assertThat(placed.body())
                .contains("\"customer\":\"Gregor\"")
                .contains(placed.statusCode() == 201 ? "\"status\":\"PAID\"" : "\"status\":\"PENDING\"");

        URI order = URI.create(gateway)
                .resolve(placed.headers().firstValue("Location").orElseThrow());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String read = read(order);
        while (read.contains("\"status\":\"PENDING\"") && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            read = read(order);
        }
        assertThat(read).contains("\"status\":\"PAID\"", "\"customer\":\"Gregor\"");
    }

    /** The order as its customer reads it through the gateway. */
    private static String read(URI order) throws IOException, InterruptedException {
        HttpResponse<String> read = HTTP.send(
                HttpRequest.newBuilder(order)
                        .header("Authorization", "Bearer k8s-local-gregor-key")
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        return read.body();
    }

    @Test
    void runsEveryServiceAsNonRootOnAReadOnlyRootFilesystem() throws Exception {
        awaitGatewayReady();
        for (String service : Podman.SERVICES) {
            String container = container(service);
            assertThat(podman.run("inspect", container, "--format", "{{.Config.User}}"))
                    .as(container)
                    .startsWith("65532");
            assertThat(podman.run("inspect", container, "--format", "{{.HostConfig.ReadonlyRootfs}}"))
                    .as(container)
                    .isEqualTo("true");
            assertThat(podman.run("inspect", container, "--format", "{{.State.Status}}"))
                    .as(container)
                    .isEqualTo("running");
        }
    }

    private static Podman.Result compose(String... arguments) {
        String[] all = new String[arguments.length + 4];
        all[0] = "-p";
        all[1] = PROJECT;
        all[2] = "-f";
        all[3] = Kustomize.ROOT.resolve("compose.yaml").toString();
        System.arraycopy(arguments, 0, all, 4, arguments.length);
        return podman.compose(environment, all);
    }

    /** Waits until the gateway answers ready on its published management port. */
    private static void awaitGatewayReady() throws InterruptedException {
        podman.awaitReady("the gateway", management, ComposeDeploymentIT::container);
    }

    /** The container podman-compose names after the project and the service. */
    private static String container(String service) {
        return PROJECT + "_" + service + "_1";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
