package shop.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1EnvVarSource;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1SecretKeySelector;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rules every Shop Deployment follows, checked on the rendered local and production overlays. */
class DeploymentRulesTest {

    private static final List<String> SHOP_SERVICES = List.of("api-gateway", "order-service", "payment-service");
    private static final List<String> STANDARD_LABELS = List.of(
            "app.kubernetes.io/name",
            "app.kubernetes.io/instance",
            "app.kubernetes.io/version",
            "app.kubernetes.io/component",
            "app.kubernetes.io/part-of",
            "app.kubernetes.io/managed-by");
    private static final Pattern SENSITIVE =
            Pattern.compile(".*(PASSWORD|SECRET|KEY|TOKEN|USER|DB_URL|DATASOURCE_URL|APPLICATION_JSON).*");
    /** Spring Boot's configuration, which the services (Vert.x) no longer read: set, it would do nothing. */
    private static final Pattern SPRING = Pattern.compile("(SPRING|MANAGEMENT|SERVER|LOGGING)_.*");
    /**
     * What a service's JVM needs beside its heap (metaspace, code cache, its own code and malloc'd
     * memory, thread stacks, Netty's buffers): about 140 MB measured at peak under load, and a margin.
     */
    private static final long NON_HEAP_BYTES = 160L * 1024 * 1024;

    @ParameterizedTest
    @ValueSource(strings = {"overlays/local", "overlays/production"})
    void everyServiceHasAHardenedDeployment(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        assertThat(manifests.deployments())
                .extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrderElementsOf(SHOP_SERVICES);
        List<String> violations = new ArrayList<>();
        manifests.deployments().forEach(d -> violations.addAll(violations(d, manifests)));
        assertThat(violations).isEmpty();
    }

    // Defect: the gateway's metrics were public on the port the LoadBalancer exposes.

    @ParameterizedTest
    @ValueSource(strings = {"overlays/local", "overlays/production"})
    void keepsTheGatewaysHealthAndMetricsOffItsPublicService(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        V1Container gateway = manifests.deployments().stream()
                .filter(d -> d.getMetadata().getName().equals("api-gateway"))
                .findFirst()
                .orElseThrow()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst();
        assertThat(gateway.getPorts()).anySatisfy(port -> {
            assertThat(port.getName()).isEqualTo("management");
            assertThat(port.getContainerPort()).isEqualTo(9080);
        });
        for (var probe : List.of(gateway.getStartupProbe(), gateway.getLivenessProbe(), gateway.getReadinessProbe())) {
            assertThat(probe.getHttpGet().getPort().getStrValue()).isEqualTo("management");
        }
        var service = manifests.services().stream()
                .filter(s -> s.getMetadata().getName().equals("api-gateway"))
                .findFirst()
                .orElseThrow();
        assertThat(service.getSpec().getPorts()).allSatisfy(port -> {
            assertThat(port.getPort()).isNotEqualTo(9080);
            assertThat(
                            port.getTargetPort().isInteger()
                                    ? String.valueOf(port.getTargetPort().getIntValue())
                                    : port.getTargetPort().getStrValue())
                    .isIn("http", "8080");
        });
        assertThat(service.getSpec().getExternalTrafficPolicy())
                .as("the client's own address reaches the gateway's per-address limits")
                .isEqualTo("Local");
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/local", "overlays/production"})
    void theRulesCatchADeploymentThatBreaksThem(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        V1Deployment deployment = manifests.deployments().getFirst();
        V1Container container =
                deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
        container.getSecurityContext().setReadOnlyRootFilesystem(false);
        container.setLivenessProbe(null);
        container.setImage("shop/api-gateway:latest");
        container.addEnvItem(new V1EnvVar().name("SHOP_DB_PASSWORD").value("inline"));
        container.addEnvItem(
                new V1EnvVar().name("SHOP_DB_URL").value("jdbc:postgresql://db:5432/shop?password=inline"));
        container.addEnvItem(new V1EnvVar()
                .name("SPRING_DATASOURCE_URL")
                .valueFrom(new V1EnvVarSource()
                        .secretKeyRef(new V1SecretKeySelector()
                                .name("order-service-database")
                                .key("url"))));
        container.addEnvItem(new V1EnvVar().name("SHOP_PROFILE").value("local"));
        container.getResources().putLimitsItem("memory", Quantity.fromString("192Mi"));
        deployment.getSpec().getTemplate().getSpec().setAutomountServiceAccountToken(null);
        assertThat(violations(deployment, manifests))
                .containsExactlyInAnyOrder(
                        "api-gateway: liveness probe on the liveness group",
                        "api-gateway: readOnlyRootFilesystem",
                        "api-gateway: no service-account token",
                        "api-gateway: the image pinned by a tag (not latest)",
                        "api-gateway: the image the build makes (shop/api-gateway:" + imageTag() + ")",
                        "api-gateway: SHOP_DB_PASSWORD from a Secret",
                        "api-gateway: SHOP_DB_URL from a Secret",
                        "api-gateway: no Spring Boot setting (SPRING_DATASOURCE_URL): the services no longer read them",
                        "api-gateway: the production profile (SHOP_PROFILE=local accepts the published local keys)",
                        "api-gateway: the memory limit leaves 160Mi beside the heap (MaxRAMPercentage)");
    }

    static List<String> violations(V1Deployment deployment, Manifests manifests) {
        String name = deployment.getMetadata().getName();
        List<String> violations = new ArrayList<>();
        V1PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        V1Container container = pod.getContainers().getFirst();
        Check check = (ok, rule) -> {
            if (!ok) {
                violations.add(name + ": " + rule);
            }
        };
        check.that(pod.getContainers().size() == 1, "one container");
        check.that(
                httpProbe(container.getStartupProbe(), "/actuator/health/liveness"),
                "startup probe on the liveness group");
        check.that(
                httpProbe(container.getLivenessProbe(), "/actuator/health/liveness"),
                "liveness probe on the liveness group");
        check.that(
                httpProbe(container.getReadinessProbe(), "/actuator/health/readiness"),
                "readiness probe on the readiness group");
        var resources = container.getResources();
        check.that(
                resources != null
                        && resources.getRequests() != null
                        && resources.getLimits() != null
                        && resources.getRequests().keySet().containsAll(List.of("cpu", "memory"))
                        && resources.getLimits().keySet().containsAll(List.of("cpu", "memory")),
                "CPU and memory requests and limits");
        Matcher heapPercent = Pattern.compile("-XX:MaxRAMPercentage=(\\d+)")
                .matcher(config(deployment, manifests, "JAVA_TOOL_OPTIONS"));
        boolean heapSized = heapPercent.find();
        check.that(heapSized, "the JVM heap sized to the container (JAVA_TOOL_OPTIONS -XX:MaxRAMPercentage)");
        Quantity memoryLimit = resources == null || resources.getLimits() == null
                ? null
                : resources.getLimits().get("memory");
        check.that(
                memoryLimit == null
                        || !heapSized
                        || memoryLimit
                                        .getNumber()
                                        .multiply(BigDecimal.valueOf(100 - Long.parseLong(heapPercent.group(1))))
                                        .compareTo(BigDecimal.valueOf(NON_HEAP_BYTES * 100))
                                >= 0,
                "the memory limit leaves 160Mi beside the heap (MaxRAMPercentage)");
        var podSecurity = pod.getSecurityContext();
        check.that(podSecurity != null && Boolean.TRUE.equals(podSecurity.getRunAsNonRoot()), "runAsNonRoot");
        check.that(
                podSecurity != null
                        && podSecurity.getSeccompProfile() != null
                        && "RuntimeDefault"
                                .equals(podSecurity.getSeccompProfile().getType()),
                "seccomp RuntimeDefault");
        var security = container.getSecurityContext();
        check.that(
                security != null && Boolean.TRUE.equals(security.getReadOnlyRootFilesystem()),
                "readOnlyRootFilesystem");
        check.that(
                security != null && Boolean.FALSE.equals(security.getAllowPrivilegeEscalation()),
                "allowPrivilegeEscalation false");
        check.that(
                security != null
                        && security.getCapabilities() != null
                        && List.of("ALL").equals(security.getCapabilities().getDrop()),
                "all capabilities dropped");
        check.that(
                container.getVolumeMounts() != null
                        && container.getVolumeMounts().stream()
                                .anyMatch(m -> m.getMountPath().equals("/tmp") && emptyDir(pod, m.getName())),
                "a writable emptyDir at /tmp");
        check.that(Boolean.FALSE.equals(pod.getAutomountServiceAccountToken()), "no service-account token");
        var strategy = deployment.getSpec().getStrategy();
        check.that(
                strategy != null
                        && "RollingUpdate".equals(strategy.getType())
                        && strategy.getRollingUpdate() != null
                        && Objects.equals(
                                0,
                                strategy.getRollingUpdate().getMaxUnavailable().getIntValue()),
                "a rolling update that never goes below the wanted replicas (maxUnavailable 0)");
        var preStop = container.getLifecycle() == null
                ? null
                : container.getLifecycle().getPreStop();
        long pause = preStop == null || preStop.getSleep() == null
                ? 0
                : preStop.getSleep().getSeconds();
        long grace = pod.getTerminationGracePeriodSeconds() == null ? 30 : pod.getTerminationGracePeriodSeconds();
        check.that(
                pause > 0 && pause + shutdownPhase().toSeconds() < grace,
                "a pre-stop pause, and a grace period longer than the pause plus graceful shutdown (" + shutdownPhase()
                        + ")");
        check.that(
                pod.getTopologySpreadConstraints() != null
                        && pod.getTopologySpreadConstraints().stream()
                                .anyMatch(t -> t.getTopologyKey().equals("kubernetes.io/hostname")),
                "replicas spread across nodes");
        check.that(
                container.getImage().matches("[^:@]+:(?!latest$)[\\w.-]+"), "the image pinned by a tag (not latest)");
        check.that(
                container.getImage().equals("shop/" + name + ":" + imageTag()),
                "the image the build makes (shop/" + name + ":" + imageTag() + ")");
        check.that(
                container.getEnvFrom() != null
                        && container.getEnvFrom().stream()
                                .allMatch(e -> e.getConfigMapRef() != null
                                        && manifests
                                                .configMap(e.getConfigMapRef().getName())
                                                .isPresent()),
                "configuration from a ConfigMap that exists");
        for (V1EnvVar env : container.getEnv() == null ? List.<V1EnvVar>of() : container.getEnv()) {
            if (SENSITIVE.matcher(env.getName()).matches()) {
                check.that(
                        env.getValue() == null
                                && env.getValueFrom() != null
                                && env.getValueFrom().getSecretKeyRef() != null,
                        env.getName() + " from a Secret");
            }
        }
        for (String variable : variables(deployment, manifests)) {
            check.that(
                    !SPRING.matcher(variable).matches(),
                    "no Spring Boot setting (" + variable + "): the services no longer read them");
        }
        String profile = container.getEnv() == null
                ? ""
                : container.getEnv().stream()
                        .filter(e -> e.getName().equals("SHOP_PROFILE"))
                        .map(e -> Objects.toString(e.getValue(), ""))
                        .findFirst()
                        .orElseGet(() -> config(deployment, manifests, "SHOP_PROFILE"));
        check.that(
                !profile.strip().equals("local"),
                "the production profile (SHOP_PROFILE=local accepts the published local keys)");
        manifests.configMaps().stream()
                .filter(c -> c.getData() != null)
                .forEach(c -> c.getData()
                        .keySet()
                        .forEach(key -> check.that(
                                !SENSITIVE.matcher(key).matches(),
                                "no credential in ConfigMap " + c.getMetadata().getName())));
        for (String label : STANDARD_LABELS) {
            check.that(
                    deployment.getMetadata().getLabels().containsKey(label)
                            && deployment
                                    .getSpec()
                                    .getTemplate()
                                    .getMetadata()
                                    .getLabels()
                                    .containsKey(label),
                    "label " + label);
        }
        return violations;
    }

    private interface Check {
        void that(boolean ok, String rule);
    }

    private static boolean httpProbe(io.kubernetes.client.openapi.models.V1Probe probe, String path) {
        return probe != null
                && probe.getHttpGet() != null
                && path.equals(probe.getHttpGet().getPath());
    }

    private static boolean emptyDir(V1PodSpec pod, String volume) {
        return pod.getVolumes() != null
                && pod.getVolumes().stream().anyMatch(v -> v.getName().equals(volume) && v.getEmptyDir() != null);
    }

    private static String config(V1Deployment deployment, Manifests manifests, String key) {
        V1Container container =
                deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
        return container.getEnvFrom() == null
                ? ""
                : container.getEnvFrom().stream()
                        .filter(e -> e.getConfigMapRef() != null)
                        .flatMap(e -> manifests.configMap(e.getConfigMapRef().getName()).stream())
                        .map(c -> c.getData() == null ? null : c.getData().get(key))
                        .filter(Objects::nonNull)
                        .findFirst()
                        .orElse("");
    }

    /** Every variable the container gets: its env and the keys of the ConfigMaps it reads whole. */
    static List<String> variables(V1Deployment deployment, Manifests manifests) {
        V1Container container =
                deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
        List<String> names = new ArrayList<>();
        if (container.getEnv() != null) {
            container.getEnv().forEach(e -> names.add(e.getName()));
        }
        if (container.getEnvFrom() != null) {
            container.getEnvFrom().stream()
                    .filter(e -> e.getConfigMapRef() != null)
                    .flatMap(e -> manifests.configMap(e.getConfigMapRef().getName()).stream())
                    .filter(c -> c.getData() != null)
                    .forEach(c -> names.addAll(c.getData().keySet()));
        }
        return names;
    }

    /**
     * How long in-flight requests get once a service has stopped taking new ones: GRACE in
     * service-defaults' ServiceRuntime, which every service's SIGTERM goes through.
     */
    static Duration shutdownPhase() {
        Matcher matcher = Pattern.compile("Duration\\s+GRACE\\s*=\\s*Duration\\.ofSeconds\\((\\d+)\\)")
                .matcher(read("service-defaults/src/main/java/shop/defaults/ServiceRuntime.java"));
        assertThat(matcher.find())
                .as("ServiceRuntime.java sets GRACE = Duration.ofSeconds(n)")
                .isTrue();
        return Duration.ofSeconds(Long.parseLong(matcher.group(1)));
    }

    /** The tag the build gives the images: shop.image.tag in the root pom.xml, the project's revision. */
    static String imageTag() {
        String pom = read("pom.xml");
        Matcher tag =
                Pattern.compile("<shop.image.tag>([^<]+)</shop.image.tag>").matcher(pom);
        assertThat(tag.find()).as("pom.xml sets shop.image.tag").isTrue();
        if (!tag.group(1).equals("${revision}")) {
            return tag.group(1);
        }
        Matcher revision = Pattern.compile("<revision>([^<]+)</revision>").matcher(pom);
        assertThat(revision.find()).as("pom.xml sets revision").isTrue();
        return revision.group(1);
    }

    private static String read(String path) {
        try {
            return Files.readString(Kustomize.ROOT.resolve(path));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
