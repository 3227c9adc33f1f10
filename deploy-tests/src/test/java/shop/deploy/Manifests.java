package shop.deploy;

import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One rendered overlay, every object read as its API type (so every object is schema-checked). */
record Manifests(String overlay, List<Object> objects) {

    static Manifests of(String overlay) {
        return new Manifests(
                overlay,
                Kustomize.render(overlay).stream().map(KubernetesSchema::read).toList());
    }

    <T> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<V1Deployment> deployments() {
        return all(V1Deployment.class);
    }

    List<V1Service> services() {
        return all(V1Service.class);
    }

    List<V1ConfigMap> configMaps() {
        return all(V1ConfigMap.class);
    }

    List<V1Secret> secrets() {
        return all(V1Secret.class);
    }

    List<V1Ingress> ingresses() {
        return all(V1Ingress.class);
    }

    List<V1NetworkPolicy> networkPolicies() {
        return all(V1NetworkPolicy.class);
    }

    List<V2HorizontalPodAutoscaler> autoscalers() {
        return all(V2HorizontalPodAutoscaler.class);
    }

    List<V1PodDisruptionBudget> disruptionBudgets() {
        return all(V1PodDisruptionBudget.class);
    }

    /** The pod templates of every workload: Deployments and StatefulSets. */
    List<V1PodTemplateSpec> podTemplates() {
        return java.util.stream.Stream.concat(
                        deployments().stream().map(d -> d.getSpec().getTemplate()),
                        all(V1StatefulSet.class).stream().map(s -> s.getSpec().getTemplate()))
                .toList();
    }

    Optional<V1ConfigMap> configMap(String name) {
        return configMaps().stream()
                .filter(c -> c.getMetadata().getName().equals(name))
                .findFirst();
    }

    Optional<V1Secret> secret(String name) {
        return secrets().stream()
                .filter(s -> s.getMetadata().getName().equals(name))
                .findFirst();
    }

    /** Every value a container gets from a ConfigMap, by ConfigMap name: all the configuration. */
    Map<String, String> configValues() {
        Map<String, String> values = new java.util.TreeMap<>();
        configMaps().forEach(c -> {
            if (c.getData() != null) {
                c.getData().forEach((key, value) -> values.put(c.getMetadata().getName() + "/" + key, value));
            }
        });
        secrets().forEach(s -> {
            if (s.getData() != null) {
                s.getData()
                        .forEach((key, value) -> values.put(s.getMetadata().getName() + "/" + key, new String(value)));
            }
        });
        return values;
    }
}
