package shop.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import shop.defaults.Topology;

/** Services reach pods, and configuration reaches Services, in what the overlays render. */
class ServiceWiringTest {

    @ParameterizedTest
    @ValueSource(strings = {"overlays/local", "overlays/production"})
    void everyServiceSelectsPodsAndTargetsAPortTheyDeclare(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        List<String> broken = new ArrayList<>();
        for (V1Service service : manifests.services()) {
            List<V1PodTemplateSpec> selected = manifests.podTemplates().stream()
                    .filter(t -> t.getMetadata()
                            .getLabels()
                            .entrySet()
                            .containsAll(service.getSpec().getSelector().entrySet()))
                    .toList();
            if (selected.isEmpty()) {
                broken.add(service.getMetadata().getName() + " selects no pods");
            }
            for (V1ServicePort port : service.getSpec().getPorts()) {
                for (V1PodTemplateSpec pod : selected) {
                    List<V1ContainerPort> declared = pod.getSpec().getContainers().stream()
                            .flatMap(
                                    c -> c.getPorts() == null ? java.util.stream.Stream.empty() : c.getPorts().stream())
                            .toList();
                    boolean found = declared.stream()
                            .anyMatch(p -> port.getTargetPort().isInteger()
                                    ? p.getContainerPort()
                                            .equals(port.getTargetPort().getIntValue())
                                    : port.getTargetPort().getStrValue().equals(p.getName()));
                    if (!found) {
                        broken.add(service.getMetadata().getName() + " targets " + port.getTargetPort()
                                + ", which no container declares");
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
            boolean exists = inNamespace
                    && manifests.services().stream()
                            .anyMatch(s -> s.getMetadata().getName().equals(host[0])
                                    && s.getSpec().getPorts().stream().anyMatch(p -> p.getPort() == uri.getPort()));
            if (!exists) {
                broken.add(value.getKey() + " = " + value.getValue());
            }
        }
        assertThat(urls).as("URLs in the configuration").isNotEmpty();
        assertThat(broken).as("URLs naming no Service and port of the overlay").isEmpty();
    }

    /**
     * A variable no code reads is silently ignored (a database URL under a name the service no
     * longer reads leaves it on its embedded default): every variable a Deployment sets must be
     * one its service's code (or service-defaults') names, whole or as a prefix and a rest
     * ({@code "SHOP_ORDERS_RECOVERY_" + "INTERVAL"}), or one the JVM reads.
     */
    @ParameterizedTest
    @ValueSource(strings = {"overlays/local", "overlays/production"})
    void everyVariableTheDeploymentsSetIsOneTheirServiceReads(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        List<String> unread = new ArrayList<>();
        for (V1Deployment deployment : manifests.deployments()) {
            String service = deployment.getMetadata().getName();
            Set<String> names = namesInCode(service);
            assertThat(names)
                    .as(service + "'s code names its database or its neighbours")
                    .containsAnyOf("SHOP_DB_URL", "PAYMENT_SERVICE_URL", "ORDER_SERVICE_URL");
            assertThat(reads(names, "SHOP_NO_SUCH_SETTING")).isFalse();
            for (String variable : DeploymentRulesTest.variables(deployment, manifests)) {
                if (!JVM_VARIABLES.contains(variable) && !reads(names, variable)) {
                    unread.add(service + ": " + variable);
                }
            }
        }
        assertThat(unread).as("variables no code of their service reads").isEmpty();
    }

    private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");
    private static final Pattern NAME_LITERAL = Pattern.compile("\"([A-Z][A-Z0-9_]*)\"");

    private static boolean reads(Set<String> names, String variable) {
        return names.contains(variable)
                || names.stream()
                        .anyMatch(prefix -> prefix.endsWith("_")
                                && variable.startsWith(prefix)
                                && names.contains(variable.substring(prefix.length())));
    }

    /**
     * The upper-case string literals in the service's main code and in service-defaults', and the
     * variables the {@link Topology} names after the services (their ports and URLs).
     */
    private static Set<String> namesInCode(String service) {
        Set<String> names = new HashSet<>();
        for (Topology.Service each : Topology.SHOP.services()) {
            names.addAll(List.of(each.portVariable(), each.urlVariable()));
            each.managementPort().ifPresent(port -> names.add(each.managementPortVariable()));
        }
        for (String module : List.of("service-defaults", service)) {
            Path sources = Kustomize.ROOT.resolve(module).resolve("src/main/java");
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file :
                        files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Matcher literal = NAME_LITERAL.matcher(Files.readString(file));
                    while (literal.find()) {
                        names.add(literal.group(1));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return names;
    }

    /** A Secret key a pod reads that does not exist keeps the pod from starting (CreateContainerConfigError). */
    @Test
    void everySecretKeyTheDeploymentsReadIsInTheLocalOverlayAndListedForProduction() throws IOException {
        Manifests local = Manifests.of("overlays/local");
        List<String> missing = new ArrayList<>();
        List<String> read = new ArrayList<>();
        for (V1Deployment deployment : local.deployments()) {
            for (Map.Entry<String, String> secret : secretKeys(deployment)) {
                read.add(secret.getKey());
                if (local.secret(secret.getKey())
                        .map(s -> s.getData() == null || !s.getData().containsKey(secret.getValue()))
                        .orElse(true)) {
                    missing.add(deployment.getMetadata().getName() + ": " + secret.getKey() + "/" + secret.getValue());
                }
            }
        }
        assertThat(read).as("Secrets read").isNotEmpty();
        assertThat(missing).as("Secret keys the local overlay does not have").isEmpty();

        String productionHeader =
                Files.readString(Kustomize.ROOT.resolve("k8s/overlays/production/kustomization.yaml"));
        List<String> unlisted = new ArrayList<>();
        for (V1Deployment deployment : Manifests.of("overlays/production").deployments()) {
            for (Map.Entry<String, String> secret : secretKeys(deployment)) {
                if (!Pattern.compile("#\\s+Secret " + Pattern.quote(secret.getKey()) + "\\s+(.*\\W)?"
                                + Pattern.quote(secret.getValue()) + "\\b")
                        .matcher(productionHeader)
                        .find()) {
                    unlisted.add(secret.getKey() + "/" + secret.getValue());
                }
            }
        }
        assertThat(unlisted)
                .as("Secrets the production overlay does not tell the operator to create")
                .isEmpty();
    }

    /** The Secret name and key of every variable the Deployment's container takes from a Secret. */
    private static List<Map.Entry<String, String>> secretKeys(V1Deployment deployment) {
        var env = deployment
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst()
                .getEnv();
        return (env == null ? List.<V1EnvVar>of() : env)
                .stream()
                        .filter(v ->
                                v.getValueFrom() != null && v.getValueFrom().getSecretKeyRef() != null)
                        .map(v -> Map.entry(
                                v.getValueFrom().getSecretKeyRef().getName(),
                                v.getValueFrom().getSecretKeyRef().getKey()))
                        .toList();
    }

    /** No service can speak for another: its internal keys are its own pairs', the same on both sides of each pair. */
    @Test
    void eachServiceHoldsTheInternalKeysOfItsOwnPairsAndBothSidesOfAPairAgree() {
        Manifests local = Manifests.of("overlays/local");
        Map<String, List<String>> pairs = new java.util.TreeMap<>();
        for (String service :
                Topology.SHOP.services().stream().map(Topology.Service::name).toList()) {
            var secret = local.secrets().stream()
                    .filter(s -> s.getMetadata().getName().startsWith(service + "-internal-auth-"))
                    .findFirst()
                    .orElseThrow();
            String keys = new String(secret.getData().get("keys"), java.nio.charset.StandardCharsets.UTF_8);
            for (String line :
                    keys.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList()) {
                String[] fields = line.strip().split("\\s+");
                assertThat(fields).as(service + ": <from> <to> <kid> <key>").hasSize(4);
                assertThat(List.of(fields[0], fields[1]))
                        .as(service + " is part of the pair")
                        .contains(service);
                pairs.computeIfAbsent(fields[0] + " -> " + fields[1], pair -> new ArrayList<>())
                        .add(line.strip());
            }
        }
        assertThat(pairs.keySet())
                .containsExactlyElementsOf(Topology.SHOP.pairs().stream()
                        .map(pair -> pair.from() + " -> " + pair.to())
                        .toList());
        pairs.forEach((pair, lines) -> assertThat(lines)
                .as(pair + ": the same key on both sides")
                .hasSize(2)
                .containsOnly(lines.getFirst()));
    }

    @Test
    void theLocalOverlaysCredentialsAreMarkedLocalOnly() {
        Manifests local = Manifests.of("overlays/local");
        assertThat(local.secrets())
                .isNotEmpty()
                .allSatisfy(secret ->
                        assertThat(secret.getMetadata().getAnnotations()).containsEntry("shop.dev/local-only", "true"));
        assertThat(local.all(io.kubernetes.client.openapi.models.V1StatefulSet.class))
                .singleElement()
                .satisfies(postgres ->
                        assertThat(postgres.getSpec().getVolumeClaimTemplates()).isNotEmpty());
    }
}
