package shop.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KubernetesSchemaTest {

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/local", "overlays/production", "podman"})
    void everyRenderedObjectIsValidForTheKubernetesApi(String folder) {
        List<Map<String, Object>> objects = Kustomize.render(folder);
        List<String> invalid = new ArrayList<>();
        for (Map<String, Object> object : objects) {
            try {
                KubernetesSchema.read(object);
            } catch (KubernetesSchema.InvalidObject e) {
                invalid.add(e.getMessage());
            }
        }
        assertThat(objects.size()).as("objects rendered").isGreaterThanOrEqualTo(10);
        assertThat(invalid).isEmpty();
    }

    @Test
    void refusesAnUnknownField() {
        String deployment = deployment().replace("  replicas: 1", "  replicas: 1\n  replica: 2");
        assertThatThrownBy(
                        () -> KubernetesSchema.read(Kustomize.parse(deployment).getFirst()))
                .isInstanceOf(KubernetesSchema.InvalidObject.class)
                .hasMessageContaining("replica");
    }

    @Test
    void refusesAMissingRequiredField() {
        String deployment = deployment().replace("          image: shop/x:1\n", "");
        String noContainerName = deployment().replace("        - name: x\n          image", "        - image");
        assertThatThrownBy(() ->
                        KubernetesSchema.read(Kustomize.parse(noContainerName).getFirst()))
                .isInstanceOf(KubernetesSchema.InvalidObject.class)
                .hasMessageContaining("name");
        assertThat(KubernetesSchema.read(Kustomize.parse(deployment).getFirst()))
                .isNotNull(); // image is optional
    }

    @Test
    void refusesAValueOfTheWrongType() {
        String deployment = deployment().replace("  replicas: 1", "  replicas: two");
        assertThatThrownBy(
                        () -> KubernetesSchema.read(Kustomize.parse(deployment).getFirst()))
                .isInstanceOf(KubernetesSchema.InvalidObject.class);
        String labels = deployment().replace("      labels: {app: x}", "      labels: [x]");
        assertThatThrownBy(() -> KubernetesSchema.read(Kustomize.parse(labels).getFirst()))
                .isInstanceOf(KubernetesSchema.InvalidObject.class);
    }

    @Test
    void refusesRemovedApiVersions() {
        for (String removed : List.of("extensions/v1beta1", "apps/v1beta2")) {
            String deployment = deployment().replace("apiVersion: apps/v1", "apiVersion: " + removed);
            assertThatThrownBy(() ->
                            KubernetesSchema.read(Kustomize.parse(deployment).getFirst()))
                    .isInstanceOf(KubernetesSchema.InvalidObject.class)
                    .hasMessageContaining("not an API");
        }
        String budget = """
                apiVersion: policy/v1beta1
                kind: PodDisruptionBudget
                metadata: {name: x}
                spec: {maxUnavailable: 1}
                """;
        assertThatThrownBy(() -> KubernetesSchema.read(Kustomize.parse(budget).getFirst()))
                .isInstanceOf(KubernetesSchema.InvalidObject.class);
    }

    private static String deployment() {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: x
                spec:
                  replicas: 1
                  selector:
                    matchLabels: {app: x}
                  template:
                    metadata:
                      labels: {app: x}
                    spec:
                      containers:
                        - name: x
                          image: shop/x:1
                """;
    }
}
