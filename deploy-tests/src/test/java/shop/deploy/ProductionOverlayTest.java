package shop.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import shop.defaults.Topology;
import shop.deploy.NetworkFlows.Endpoint;

class ProductionOverlayTest {

    private static final Topology SHOP = Topology.SHOP;
    /** The one service clients reach, through the Ingress. */
    private static final String GATEWAY = "api-gateway";
    /**
     * The services with a database of their own (PostgreSQL, outside the cluster). The topology
     * says who calls whom among the services, not who keeps data.
     */
    private static final List<String> DATABASE_USERS = List.of("order-service", "payment-service");

    private static final int POSTGRESQL_PORT = 5432;
    /** The cluster DNS, over UDP (which is what the flow check asks about). */
    private static final int DNS_PORT = 53;

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
                .filter(s -> s.getMetadata().getName().equals(GATEWAY))
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
                        assertThat(backend.getName()).isEqualTo(GATEWAY);
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
                    assertThat(service.getMetadata().getName()).isEqualTo(GATEWAY);
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
        assertThat(allowedFlows(production.networkPolicies())).containsExactlyInAnyOrderElementsOf(shopsFlows());
    }

    /**
     * Shop's own flows: clients to the gateway, each service to those the topology says it calls,
     * the services with a database to theirs, every service to the cluster DNS.
     */
    private static List<String> shopsFlows() {
        List<String> flows = new ArrayList<>();
        flows.add(flow("client", GATEWAY, SHOP.service(GATEWAY).port()));
        for (Topology.Service caller : SHOP.services()) {
            for (String callee : caller.calls()) {
                flows.add(flow(caller.name(), callee, SHOP.service(callee).port()));
            }
        }
        for (String service : DATABASE_USERS) {
            // SHOP.service: a name the topology does not have fails here, not as a missing flow.
            flows.add(flow(SHOP.service(service).name(), "database", POSTGRESQL_PORT));
        }
        for (Topology.Service service : SHOP.services()) {
            flows.add(flow(service.name(), "dns", DNS_PORT));
        }
        return flows;
    }

    /** The topology's flows are compared, not merely listed: one the policies block is seen. */
    @Test
    void theFlowCheckSeesAPolicyThatAllowsTooLittle() {
        List<V1NetworkPolicy> policies = new ArrayList<>(production.networkPolicies());
        policies.removeIf(p -> p.getMetadata().getName().equals("order-service"));
        int payments = SHOP.service("payment-service").port();
        assertThat(allowedFlows(policies)).doesNotContain(flow("order-service", "payment-service", payments));
        assertThat(shopsFlows()).contains(flow("order-service", "payment-service", payments));
    }

    @Test
    void theFlowCheckSeesAPolicyThatAllowsTooMuch() {
        List<V1NetworkPolicy> policies = new ArrayList<>(production.networkPolicies());
        policies.removeIf(p -> p.getMetadata().getName().equals("default-deny"));
        policies.removeIf(p -> p.getMetadata().getName().equals("payment-service"));
        int payments = SHOP.service("payment-service").port();
        assertThat(allowedFlows(policies))
                .contains(
                        flow("client", "payment-service", payments),
                        flow("client", "payment-service", POSTGRESQL_PORT));
    }

    /**
     * Every pair of endpoints on every port Shop uses (its services' ports, management ports
     * included, PostgreSQL's and the DNS's), as "from -> to:port", where the policies let it through.
     */
    private static List<String> allowedFlows(List<V1NetworkPolicy> policies) {
        List<Endpoint> pods = SHOP.services().stream()
                .map(service -> Endpoint.pod(
                        service.name(),
                        "shop",
                        Map.of("app.kubernetes.io/name", service.name(), "app.kubernetes.io/instance", "shop")))
                .toList();
        Endpoint client = Endpoint.outside("client", "203.0.113.7");
        Endpoint database = Endpoint.outside("database", "10.200.0.10");
        Endpoint dns = Endpoint.pod("dns", "kube-system", Map.of("k8s-app", "kube-dns"));
        List<Integer> ports = Stream.concat(
                        SHOP.services().stream()
                                .flatMap(service -> Stream.concat(
                                        Stream.of(service.port()),
                                        service.managementPort().stream().boxed())),
                        Stream.of(POSTGRESQL_PORT, DNS_PORT))
                .distinct()
                .toList();
        NetworkFlows flows = new NetworkFlows("shop", policies);
        List<Endpoint> sources = new ArrayList<>(pods);
        sources.add(client);
        List<Endpoint> targets = new ArrayList<>(pods);
        targets.add(database);
        targets.add(dns);
        List<String> allowed = new ArrayList<>();
        for (Endpoint from : sources) {
            for (Endpoint to : targets) {
                for (int port : ports) {
                    boolean shopsBusiness = "shop".equals(from.namespace()) || "shop".equals(to.namespace());
                    String protocol = port == DNS_PORT ? "UDP" : "TCP";
                    if (from != to && shopsBusiness && flows.allows(from, to, protocol, port)) {
                        allowed.add(flow(from.name(), to.name(), port));
                    }
                }
            }
        }
        return allowed;
    }

    private static String flow(String from, String to, int port) {
        return from + " -> " + to + ":" + port;
    }
}
