package shop.deploy;

import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1NetworkPolicyPeer;
import io.kubernetes.client.openapi.models.V1NetworkPolicyPort;
import java.util.List;
import java.util.Map;

/**
 * What a set of NetworkPolicies lets through, evaluated as Kubernetes does: a pod that no policy
 * selects for a direction is open in it; a selected pod allows only what some rule allows, on
 * both ends of a connection.
 */
record NetworkFlows(String namespace, List<V1NetworkPolicy> policies) {

    /** One end of a connection: a pod (namespace and labels) or an address outside the cluster. */
    record Endpoint(
            String name, String namespace, Map<String, String> namespaceLabels, Map<String, String> labels, String ip) {

        static Endpoint pod(String name, String namespace, Map<String, String> labels) {
            return new Endpoint(name, namespace, Map.of("kubernetes.io/metadata.name", namespace), labels, null);
        }

        static Endpoint outside(String name, String ip) {
            return new Endpoint(name, null, null, null, ip);
        }

        boolean inCluster() {
            return ip == null;
        }
    }

    boolean allows(Endpoint from, Endpoint to, String protocol, int port) {
        return egressAllows(from, to, protocol, port) && ingressAllows(from, to, protocol, port);
    }

    private boolean egressAllows(Endpoint from, Endpoint to, String protocol, int port) {
        if (!from.inCluster() || !namespace.equals(from.namespace())) {
            return true; // not governed by these policies
        }
        List<V1NetworkPolicy> selecting = selecting(from, "Egress");
        return selecting.isEmpty()
                || selecting.stream()
                        .anyMatch(p -> p.getSpec().getEgress() != null
                                && p.getSpec().getEgress().stream()
                                        .anyMatch(rule -> peersMatch(rule.getTo(), to)
                                                && portsMatch(rule.getPorts(), protocol, port)));
    }

    private boolean ingressAllows(Endpoint from, Endpoint to, String protocol, int port) {
        if (!to.inCluster() || !namespace.equals(to.namespace())) {
            return true;
        }
        List<V1NetworkPolicy> selecting = selecting(to, "Ingress");
        return selecting.isEmpty()
                || selecting.stream()
                        .anyMatch(p -> p.getSpec().getIngress() != null
                                && p.getSpec().getIngress().stream()
                                        .anyMatch(rule -> peersMatch(rule.getFrom(), from)
                                                && portsMatch(rule.getPorts(), protocol, port)));
    }

    private List<V1NetworkPolicy> selecting(Endpoint pod, String direction) {
        return policies.stream()
                .filter(p -> p.getSpec().getPolicyTypes() != null
                        && p.getSpec().getPolicyTypes().contains(direction)
                        && matches(p.getSpec().getPodSelector(), pod.labels()))
                .toList();
    }

    private boolean peersMatch(List<V1NetworkPolicyPeer> peers, Endpoint other) {
        return peers == null || peers.isEmpty() || peers.stream().anyMatch(peer -> peerMatches(peer, other));
    }

    private boolean peerMatches(V1NetworkPolicyPeer peer, Endpoint other) {
        if (peer.getIpBlock() != null) {
            return !other.inCluster() && inCidr(other.ip(), peer.getIpBlock().getCidr());
        }
        if (!other.inCluster()) {
            return false;
        }
        boolean namespaceMatches = peer.getNamespaceSelector() == null
                ? namespace.equals(other.namespace())
                : matches(peer.getNamespaceSelector(), other.namespaceLabels());
        return namespaceMatches && (peer.getPodSelector() == null || matches(peer.getPodSelector(), other.labels()));
    }

    private static boolean portsMatch(List<V1NetworkPolicyPort> ports, String protocol, int port) {
        return ports == null
                || ports.isEmpty()
                || ports.stream()
                        .anyMatch(p -> (p.getProtocol() == null ? "TCP" : p.getProtocol()).equals(protocol)
                                && (p.getPort() == null
                                        || (p.getPort().isInteger()
                                                && p.getPort().getIntValue() == port)));
    }

    static boolean matches(V1LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        if (selector.getMatchLabels() != null
                && !selector.getMatchLabels().entrySet().stream()
                        .allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
            return false;
        }
        return selector.getMatchExpressions() == null
                || selector.getMatchExpressions().stream().allMatch(e -> {
                    String value = labels.get(e.getKey());
                    return switch (e.getOperator()) {
                        case "In" -> value != null && e.getValues().contains(value);
                        case "NotIn" -> value == null || !e.getValues().contains(value);
                        case "Exists" -> value != null;
                        case "DoesNotExist" -> value == null;
                        default -> throw new IllegalArgumentException("unknown operator " + e.getOperator());
                    };
                });
    }

    static boolean inCidr(String ip, String cidr) {
        String[] parts = cidr.split("/");
        int bits = Integer.parseInt(parts[1]);
        long mask = bits == 0 ? 0 : -1L << (32 - bits) & 0xffffffffL;
        return (toLong(ip) & mask) == (toLong(parts[0]) & mask);
    }

    private static long toLong(String ip) {
        long value = 0;
        for (String octet : ip.split("\\.")) {
            value = value << 8 | Integer.parseInt(octet);
        }
        return value;
    }
}
