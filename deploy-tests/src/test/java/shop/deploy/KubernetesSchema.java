package shop.deploy;

import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;

/**
 * Checks an object against the Kubernetes API schema, offline: the models of the official Java
 * client are generated from the API server's OpenAPI document (Kubernetes 1.35), and reading JSON
 * into them refuses unknown fields, missing required fields and values of the wrong type. Only
 * the API versions a current cluster serves are known here; removed ones (extensions/v1beta1,
 * policy/v1beta1, autoscaling/v2beta2...) are refused.
 */
final class KubernetesSchema {

    /** The kinds Shop's manifests use, by apiVersion and kind, as a 1.35 API server serves them. */
    private static final Map<String, Class<?>> SERVED = Map.ofEntries(
            Map.entry("v1/Namespace", V1Namespace.class),
            Map.entry("v1/ConfigMap", V1ConfigMap.class),
            Map.entry("v1/Secret", V1Secret.class),
            Map.entry("v1/Service", V1Service.class),
            Map.entry("v1/PersistentVolumeClaim", V1PersistentVolumeClaim.class),
            Map.entry("apps/v1/Deployment", V1Deployment.class),
            Map.entry("apps/v1/StatefulSet", V1StatefulSet.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", V2HorizontalPodAutoscaler.class),
            Map.entry("policy/v1/PodDisruptionBudget", V1PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", V1NetworkPolicy.class),
            Map.entry("networking.k8s.io/v1/Ingress", V1Ingress.class));

    static {
        new JSON(); // installs the client's type adapters (quantities, int-or-string, dates)
    }

    private KubernetesSchema() {}

    /** Reads the object as its API type; throws {@link InvalidObject} saying what is wrong. */
    static <T> T read(Map<String, Object> object, Class<T> type) {
        return type.cast(read(object));
    }

    static Object read(Map<String, Object> object) {
        String key = object.get("apiVersion") + "/" + object.get("kind");
        Class<?> type = SERVED.get(key);
        if (type == null) {
            throw new InvalidObject(name(object) + ": " + key + " is not an API a current cluster serves");
        }
        String json = JSON.getGson().toJson(object);
        try {
            Method fromJson = type.getMethod("fromJson", String.class);
            return fromJson.invoke(null, json);
        } catch (InvocationTargetException e) {
            throw new InvalidObject(name(object) + ": " + e.getCause().getMessage());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static String name(Map<String, Object> object) {
        Object metadata = object.get("metadata");
        Object name = metadata instanceof Map<?, ?> map ? ((Map<String, Object>) map).get("name") : null;
        return object.get("kind") + " " + name;
    }

    static final class InvalidObject extends RuntimeException {
        InvalidObject(String message) {
            super(message);
        }
    }
}
