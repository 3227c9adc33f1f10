package shop.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import shop.defaults.Topology;

/**
 * The manifests say what Shop's {@link Topology} says: each service's Service and container on
 * its port, its management port where it has one, the URL of each service it calls and of no
 * other, and (in the local overlay) the internal-auth keys of its own pairs.
 */
class TopologyManifestsTest {

    private static final Topology SHOP = Topology.SHOP;

    @ParameterizedTest
    @ValueSource(strings = {"overlays/local", "overlays/production"})
    void eachServiceServesAndIsReachedOnItsTopologyPort(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        for (Topology.Service service : SHOP.services()) {
            V1Service kubernetesService = manifests.services().stream()
                    .filter(s -> s.getMetadata().getName().equals(service.name()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(overlay + " has no Service " + service.name()));
            assertThat(kubernetesService.getSpec().getPorts())
                    .as(service.name() + "'s Service: its port only (never the management port)")
                    .singleElement()
                    .satisfies(port -> assertThat(port.getPort()).isEqualTo(service.port()));

            Map<String, Integer> containerPorts = container(manifests, service.name()).getPorts().stream()
                    .collect(Collectors.toMap(V1ContainerPort::getName, V1ContainerPort::getContainerPort));
            Map<String, Integer> expected = new TreeMap<>(Map.of("http", service.port()));
            service.managementPort().ifPresent(port -> expected.put("management", port));
            assertThat(new TreeMap<>(containerPorts))
                    .as(service.name() + "'s container ports")
                    .isEqualTo(expected);
            service.managementPort()
                    .ifPresent(port -> assertThat(environment(manifests, service.name()))
                            .as(service.name() + "'s management port setting")
                            .containsEntry(service.managementPortVariable(), String.valueOf(port)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/local", "overlays/production"})
    void eachServiceIsToldTheUrlsOfTheServicesItCallsAndNoOther(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        for (Topology.Service caller : SHOP.services()) {
            Map<String, String> environment = environment(manifests, caller.name());
            for (Topology.Service callee : SHOP.services()) {
                if (!caller.calls().contains(callee.name())) {
                    assertThat(environment)
                            .as(caller.name() + " does not call " + callee.name())
                            .doesNotContainKey(callee.urlVariable());
                    continue;
                }
                assertThat(environment).containsKey(callee.urlVariable());
                URI url = URI.create(environment.get(callee.urlVariable()));
                assertThat(url.getHost().split("\\.")[0])
                        .as(caller.name() + "'s " + callee.urlVariable())
                        .isEqualTo(callee.name());
                assertThat(url.getPort())
                        .as(caller.name() + "'s " + callee.urlVariable())
                        .isEqualTo(callee.port());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/local"})
    void eachServicesInternalKeysAreThoseOfItsTopologyPairs(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        for (Topology.Service service : SHOP.services()) {
            V1Secret secret = manifests.secrets().stream()
                    .filter(s -> s.getMetadata().getName().startsWith(service.name() + "-internal-auth-"))
                    .findFirst()
                    .orElseThrow(
                            () -> new AssertionError(overlay + " has no internal-auth Secret of " + service.name()));
            Set<Topology.Pair> held = new String(secret.getData().get("keys"), StandardCharsets.UTF_8)
                    .lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .map(line -> line.split("\\s+"))
                    .map(fields -> new Topology.Pair(fields[0], fields[1]))
                    .collect(Collectors.toSet());
            Set<Topology.Pair> own = SHOP.pairs().stream()
                    .filter(pair -> pair.includes(service.name()))
                    .collect(Collectors.toSet());
            assertThat(held).as(service.name() + "'s internal keys' pairs").isEqualTo(own);
        }
    }

    private static V1Container container(Manifests manifests, String name) {
        return deployment(manifests, name)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst();
    }

    private static V1Deployment deployment(Manifests manifests, String name) {
        return manifests.deployments().stream()
                .filter(d -> d.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(manifests.overlay() + " has no Deployment " + name));
    }

    /** The plain values the container's environment gets: from its ConfigMaps, then its own {@code env}. */
    private static Map<String, String> environment(Manifests manifests, String name) {
        V1Container container = container(manifests, name);
        Map<String, String> values = new TreeMap<>();
        if (container.getEnvFrom() != null) {
            container.getEnvFrom().stream()
                    .filter(e -> e.getConfigMapRef() != null)
                    .flatMap(e -> manifests.configMap(e.getConfigMapRef().getName()).stream())
                    .filter(c -> c.getData() != null)
                    .forEach(c -> values.putAll(c.getData()));
        }
        if (container.getEnv() != null) {
            container.getEnv().stream()
                    .filter(e -> e.getValue() != null)
                    .forEach(e -> values.put(e.getName(), e.getValue()));
        }
        return values;
    }
}
