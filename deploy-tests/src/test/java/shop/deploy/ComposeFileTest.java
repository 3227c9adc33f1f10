package shop.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvFromSource;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * compose.yaml is the local overlay without a cluster: it must give every container what the
 * overlay gives its pod, so that neither drifts from the other (keys, passwords, settings, images).
 */
class ComposeFileTest {

    private static final Path COMPOSE = Kustomize.ROOT.resolve("compose.yaml");

    @Test
    void setsEveryContainerWhatTheLocalOverlaySetsItsPod() {
        Manifests local = Manifests.of("overlays/local");
        Map<String, Map<String, Object>> services = services();
        assertThat(services.keySet())
                .containsExactlyInAnyOrder("postgres", "api-gateway", "order-service", "payment-service");
        for (V1PodTemplateSpec pod : local.podTemplates()) {
            String name = pod.getMetadata().getLabels().get("app.kubernetes.io/name");
            V1Container container = pod.getSpec().getContainers().getFirst();
            Map<String, String> expected = new TreeMap<>();
            environment(container, local)
                    // On Kubernetes the Services' names (order-service.shop), here the compose services'.
                    .forEach((variable, value) -> expected.put(variable, value.replaceAll("\\.shop:", ":")));
            assertThat(environment(services.get(name))).as(name).isEqualTo(expected);
            if (!name.equals("postgres")) {
                assertThat(services.get(name).get("image")).as(name).isEqualTo(container.getImage());
            }
        }
    }

    /** What the pod's container sees: its env and envFrom, values read from the ConfigMaps and Secrets. */
    private static Map<String, String> environment(V1Container container, Manifests manifests) {
        Map<String, String> variables = new TreeMap<>();
        for (V1EnvFromSource from :
                container.getEnvFrom() == null ? List.<V1EnvFromSource>of() : container.getEnvFrom()) {
            if (from.getConfigMapRef() != null) {
                variables.putAll(manifests
                        .configMap(from.getConfigMapRef().getName())
                        .orElseThrow()
                        .getData());
            } else {
                manifests
                        .secret(from.getSecretRef().getName())
                        .orElseThrow()
                        .getData()
                        .forEach((key, value) -> variables.put(key, new String(value, StandardCharsets.UTF_8)));
            }
        }
        for (V1EnvVar variable : container.getEnv() == null ? List.<V1EnvVar>of() : container.getEnv()) {
            if (variable.getValue() != null) {
                variables.put(variable.getName(), variable.getValue());
            } else {
                var reference = variable.getValueFrom().getSecretKeyRef();
                byte[] value = manifests
                        .secret(reference.getName())
                        .orElseThrow()
                        .getData()
                        .get(reference.getKey());
                variables.put(variable.getName(), new String(value, StandardCharsets.UTF_8));
            }
        }
        return variables;
    }

    /**
     * What the compose service's container sees: its env_file, then its environment; the keys a
     * file names (SHOP_INTERNAL_AUTH_KEYS_FILE) as the variable a Secret would fill.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> variables = new TreeMap<>();
        if (service.get("env_file") instanceof String file) {
            for (String line : read(file).lines().toList()) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    variables.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
                }
            }
        }
        ((Map<String, Object>) service.get("environment"))
                .forEach((variable, value) -> variables.put(variable, String.valueOf(value)));
        String keysFile = variables.remove("SHOP_INTERNAL_AUTH_KEYS_FILE");
        if (keysFile != null) {
            String secret = keysFile.substring("/run/secrets/".length());
            assertThat((List<String>) service.get("secrets")).contains(secret);
            Map<String, Map<String, Object>> secrets =
                    (Map<String, Map<String, Object>>) compose().get("secrets");
            variables.put(
                    "SHOP_INTERNAL_AUTH_KEYS", read((String) secrets.get(secret).get("file")));
        }
        return variables;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() {
        return (Map<String, Map<String, Object>>) compose().get("services");
    }

    private static Map<String, Object> compose() {
        return new Yaml(new SafeConstructor(new LoaderOptions())).load(read("compose.yaml"));
    }

    private static String read(String file) {
        try {
            return Files.readString(COMPOSE.resolveSibling(file).normalize());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
