package shop.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import shop.defaults.Topology;

/**
 * The images the build made, run as pods from the rendered local overlay (through its podman
 * variant, k8s/podman) with podman kube play, PostgreSQL included, and an order placed through
 * the gateway pod. Needs the images (SHOP_IMAGE_BASE or -Pimages) and the local PostgreSQL image
 * (k8s/podman/make-local-images); .ci/run provides both, and with CI=true nothing may be missing.
 */
class PodmanDeploymentIT {

    private static final String NETWORK = "shop-deploy-test";
    private static final Path WORK = Kustomize.ROOT.resolve("deploy-tests/target/podman");
    private static final Path KUBE_FILE = WORK.resolve("shop.yaml");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static Podman podman;
    private static final List<String> secrets = new ArrayList<>();
    /** podman makes a named volume of every ConfigMap, claim and emptyDir; kube down leaves them. */
    private static final List<String> volumes = new ArrayList<>(List.of("postgres-data", "tmp"));

    @BeforeAll
    static void playTheLocalOverlay() throws Exception {
        List<Path> images = Podman.serviceImagesOrSkip("podman");
        podman = new Podman(WORK);
        tearDown(); // what an interrupted earlier run left
        podman.load(images);
        podman.run("network", "create", NETWORK);
        Files.writeString(KUBE_FILE, podmanKubeFile(Kustomize.render("podman")));
        podman.run("kube", "play", "--network", NETWORK, KUBE_FILE.toString());
    }

    /**
     * What podman 4.3 takes: no Namespace or Services (podman has neither; pods find each other by
     * name), and the Secrets created beforehand in the form its env lookups read, because a Secret
     * in the kube file is stored in a form they cannot (podman issue 16269).
     */
    private static String podmanKubeFile(List<Map<String, Object>> objects) {
        List<Map<String, Object>> pods = new ArrayList<>();
        for (Map<String, Object> object : objects) {
            switch ((String) object.get("kind")) {
                case "Namespace", "Service" -> {}
                case "ConfigMap" -> {
                    volumes.add(KubernetesSchema.name(object).substring("ConfigMap ".length()));
                    pods.add(object);
                }
                case "Secret" -> {
                    String name = KubernetesSchema.name(object).substring("Secret ".length());
                    String data = new com.google.gson.Gson().toJson(object.get("data"));
                    podman.tryRun(null, "secret", "rm", name);
                    Podman.Result created = podman.tryRun(data, "secret", "create", name, "-");
                    assertThat(created.exit()).as(created.output()).isZero();
                    secrets.add(name);
                }
                default -> pods.add(object);
            }
        }
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(options).dumpAll(pods.iterator());
    }

    @AfterAll
    static void tearDown() {
        if (podman == null) {
            return;
        }
        if (Files.exists(KUBE_FILE)) {
            podman.tryRun(null, "kube", "down", KUBE_FILE.toString());
        }
        volumes.forEach(name -> podman.tryRun(null, "volume", "rm", "--force", name));
        secrets.forEach(name -> podman.tryRun(null, "secret", "rm", name));
        podman.tryRun(null, "network", "rm", "--force", NETWORK);
    }

    @Test
    void placesAnOrderThroughTheGatewayPod() throws Exception {
        for (Topology.Service service : Topology.SHOP.services()) {
            // Health on the management port where a service has one (the gateway's API does not answer it).
            awaitReady(service.name(), service.managementPort().orElse(service.port()));
        }
        String gateway = "http://" + address("api-gateway") + ":"
                + Topology.SHOP.service("api-gateway").port();

        HttpResponse<String> placed = HTTP.send(
                HttpRequest.newBuilder(URI.create(gateway + "/orders"))
                        .header("Authorization", "Bearer k8s-local-gregor-key")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("""
                        {"item": "mug", "price": 12.50, "customer": "Gregor", "paymentMethod": "4242424242424242"}"""))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
        assertThat(placed.body()).contains("\"status\":\"PAID\"", "\"customer\":\"Gregor\"");

        String location = placed.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> read = HTTP.send(
                HttpRequest.newBuilder(URI.create(gateway).resolve(location))
                        .header("Authorization", "Bearer k8s-local-gregor-key")
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).contains("\"status\":\"PAID\"");
    }

    @Test
    void runsEveryServiceAsNonRootOnAReadOnlyRootFilesystem() {
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

    /** Waits until the service's pod answers ready on that port. */
    private static void awaitReady(String service, int port) throws InterruptedException {
        podman.awaitReady(service + "'s pod", "http://" + address(service) + ":" + port, PodmanDeploymentIT::container);
    }

    /** The service's pod's address on the pods' network. */
    private static String address(String service) {
        return podman.run(
                "inspect",
                container(service),
                "--format",
                "{{(index .NetworkSettings.Networks \"" + NETWORK + "\").IPAddress}}");
    }

    /** The container podman kube play names after the pod (the Deployment) and its container. */
    private static String container(String name) {
        return name + "-pod-0-" + name;
    }
}
