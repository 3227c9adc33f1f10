package shop.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Services reach pods, and configuration reaches Services, in what the overlays render. */
class ServiceWiringTest {

    @ParameterizedTest
    @ValueSource(strings = {"overlays/local", "overlays/production"})
    void everyServiceSelectsPodsAndTargetsAPortTheyDeclare(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        List<String> broken = new ArrayList<>();
        for (V1Service service : manifests.services()) {
            List<V1PodTemplateSpec> selected = manifests.podTemplates().stream()
                    .filter(t -> t.getMetadata().getLabels().entrySet().containsAll(service.getSpec().getSelector().entrySet()))
                    .toList();
            if (selected.isEmpty()) {
                broken.add(service.getMetadata().getName() + " selects no pods");
            }
            for (V1ServicePort port : service.getSpec().getPorts()) {
                for (V1PodTemplateSpec pod : selected) {
                    List<V1ContainerPort> declared = pod.getSpec().getContainers().stream()
                            .flatMap(c -> c.getPorts() == null ? java.util.stream.Stream.empty() : c.getPorts().stream()).toList();
                    boolean found = declared.stream().anyMatch(p -> port.getTargetPort().isInteger()
                            ? p.getContainerPort().equals(port.getTargetPort().getIntValue())
                            : port.getTargetPort().getStrValue().equals(p.getName()));
                    if (!found) {
                        broken.add(service.getMetadata().getName() + " targets " + port.getTargetPort() + ", which no container declares");
                    }
                }
            }
        }
        assertThat(manifests.services()).hasSizeGreaterThanOrEqualTo(3);
        assertThat(broken).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/local", "overlays/production"})
    void everyUrlInTheConfigurationNamesAServiceAndPortThatExist(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        List<String> urls = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        for (Map.Entry<String, String> value : manifests.configValues().entrySet()) {
            if (!value.getValue().matches("(http|https|jdbc:postgresql)://.*")) {
                continue;
            }
            urls.add(value.getValue());
            URI uri = URI.create(value.getValue().replaceFirst("^jdbc:", ""));
            String[] host = uri.getHost().split("\\.");
            boolean inNamespace = host.length == 1 || (host.length >= 2 && host[1].equals("shop"));
            boolean exists = inNamespace && manifests.services().stream().anyMatch(s -> s.getMetadata().getName().equals(host[0])
                    && s.getSpec().getPorts().stream().anyMatch(p -> p.getPort() == uri.getPort()));
            if (!exists) {
                broken.add(value.getKey() + " = " + value.getValue());
            }
        }
        assertThat(urls).as("URLs in the configuration").isNotEmpty();
        assertThat(broken).as("URLs naming no Service and port of the overlay").isEmpty();
    }

    @Test
    void theLocalOverlaysCredentialsAreMarkedLocalOnly() {
        Manifests local = Manifests.of("overlays/local");
        assertThat(local.secrets()).isNotEmpty().allSatisfy(secret ->
                assertThat(secret.getMetadata().getAnnotations()).containsEntry("shop.dev/local-only", "true"));
        assertThat(local.all(io.kubernetes.client.openapi.models.V1StatefulSet.class)).singleElement().satisfies(postgres ->
                assertThat(postgres.getSpec().getVolumeClaimTemplates()).isNotEmpty());
    }
}
