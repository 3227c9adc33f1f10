package shop.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1Service;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import shop.deploy.NetworkFlows.Endpoint;

class ProductionOverlayTest {

    private final Manifests production = Manifests.of("overlays/production");

    @Test
    void runsEveryServiceReplicatedWithAnAutoscalerAndADisruptionBudget() {
        for (V1Deployment deployment : production.deployments()) {
            String name = deployment.getMetadata().getName();
            assertThat(deployment.getSpec().getReplicas())
                    .as(name + " replicas")
                    .isGreaterThan(1);
            var autoscaler = production.autoscalers().stream()
                    .filter(h -> h.getSpec().getScaleTargetRef().getName().equals(name))
                    .toList();
            assertThat(autoscaler).as(name + " autoscaler").singleElement().satisfies(h -> {
                assertThat(h.getApiVersion()).isEqualTo("autoscaling/v2");
                assertThat(h.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
                assertThat(h.getSpec().getMinReplicas())
                        .isEqualTo(deployment.getSpec().getReplicas());
                assertThat(h.getSpec().getMaxReplicas())
                        .isGreaterThan(h.getSpec().getMinReplicas());
                assertThat(h.getSpec().getMetrics()).isNotEmpty();
            });
            Map<String, String> podLabels =
                    deployment.getSpec().getTemplate().getMetadata().getLabels();
            var budgets = production.disruptionBudgets().stream()
                    .filter(b -> NetworkFlows.matches(b.getSpec().getSelector(), podLabels))
                    .toList();
            assertThat(budgets)
                    .as(name + " disruption budget")
                    .singleElement()
                    .satisfies(b -> assertThat(b.getSpec().getMaxUnavailable().getIntValue())
                            .isEqualTo(1));
        }
    }

    @Test
    void servesClientsOverHttpsOnlyThroughAnIngressWithACertManagerCertificate() {
        V1Service gateway = production.services().stream()
                .filter(s -> s.getMetadata().getName().equals("api-gateway"))
                .findFirst()
                .orElseThrow();
        assertThat(production.ingresses()).singleElement().satisfies(ingress -> {
            assertThat(ingress.getMetadata().getAnnotations()).containsKey("cert-manager.io/cluster-issuer");
            assertThat(ingress.getSpec().getTls()).singleElement().satisfies(tls -> {
                assertThat(tls.getSecretName()).isNotBlank();
                assertThat(ingress.getSpec().getRules())
                        .isNotEmpty()
                        .allSatisfy(rule -> assertThat(tls.getHosts()).contains(rule.getHost()));
            });
            assertThat(ingress.getSpec().getRules())
                    .flatExtracting(rule -> rule.getHttp().getPaths())
                    .isNotEmpty()
                    .allSatisfy(path -> {
                        var backend = path.getBackend().getService();
                        assertThat(backend.getName()).isEqualTo("api-gateway");
                        assertThat(gateway.getSpec().getPorts())
                                .anyMatch(port -> port.getName()
                                                .equals(backend.getPort().getName())
                                        || port.getPort()
                                                .equals(backend.getPort().getNumber()));
                    });
        });
        assertThat(production.services())
                .as("no Service reachable from outside but through the Ingress")
                .allSatisfy(service -> assertThat(service.getSpec().getType()).isIn(null, "ClusterIP"));
        assertThat(Manifests.of("overlays/local").services())
                .as("the plain LoadBalancer stays for local clusters")
                .anySatisfy(service -> {
                    assertThat(service.getMetadata().getName()).isEqualTo("api-gateway");
                    assertThat(service.getSpec().getType()).isEqualTo("LoadBalancer");
                });
    }

    @Test
    void keepsNoCredentialInTheRepository() {
        assertThat(production.secrets()).isEmpty();
    }

    @Test
    void deniesEveryFlowButShopsOwn() {
        assertThat(production.networkPolicies()).anySatisfy(p -> {
            assertThat(p.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
            assertThat(p.getSpec().getPodSelector().getMatchExpressions()).isNullOrEmpty();
            assertThat(p.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
            assertThat(p.getSpec().getIngress()).isNullOrEmpty();
            assertThat(p.getSpec().getEgress()).isNullOrEmpty();
        });
        assertThat(allowedFlows(production.networkPolicies()))
                .containsExactlyInAnyOrder(
                        "client -> api-gateway:8080",
                        "api-gateway -> order-service:8081",
                        "api-gateway -> payment-service:8082",
                        "order-service -> payment-service:8082",
                        "order-service -> database:5432",
                        "payment-service -> database:5432",
                        "api-gateway -> dns:53",
                        "order-service -> dns:53",
                        "payment-service -> dns:53");
    }

    @Test
    void theFlowCheckSeesAPolicyThatAllowsTooMuch() {
        List<V1NetworkPolicy> policies = new ArrayList<>(production.networkPolicies());
        policies.removeIf(p -> p.getMetadata().getName().equals("default-deny"));
        policies.removeIf(p -> p.getMetadata().getName().equals("payment-service"));
        assertThat(allowedFlows(policies)).contains("client -> payment-service:8082", "client -> payment-service:5432");
    }

    /** Every pair of endpoints on every port Shop uses, as "from -> to:port", where the policies let it through. */
    private static List<String> allowedFlows(List<V1NetworkPolicy> policies) {
        Map<String, Endpoint> pods = new LinkedHashMap<>();
        for (String service : List.of("api-gateway", "order-service", "payment-service")) {
            pods.put(
                    service,
                    Endpoint.pod(
                            service,
                            "shop",
                            Map.of("app.kubernetes.io/name", service, "app.kubernetes.io/instance", "shop")));
        }
        Endpoint client = Endpoint.outside("client", "203.0.113.7");
        Endpoint database = Endpoint.outside("database", "10.200.0.10");
        Endpoint dns = Endpoint.pod("dns", "kube-system", Map.of("k8s-app", "kube-dns"));
        NetworkFlows flows = new NetworkFlows("shop", policies);
        List<Endpoint> sources = new ArrayList<>(pods.values());
        sources.add(client);
        List<Endpoint> targets = new ArrayList<>(pods.values());
        targets.add(database);
        targets.add(dns);
        List<String> allowed = new ArrayList<>();
        for (Endpoint from : sources) {
            for (Endpoint to : targets) {
                for (int port : List.of(8080, 8081, 8082, 5432, 53)) {
                    boolean shopsBusiness = "shop".equals(from.namespace()) || "shop".equals(to.namespace());
                    if (from != to && shopsBusiness && flows.allows(from, to, port == 53 ? "UDP" : "TCP", port)) {
                        allowed.add(from.name() + " -> " + to.name() + ":" + port);
                    }
                }
            }
        }
        return allowed;
    }
}
