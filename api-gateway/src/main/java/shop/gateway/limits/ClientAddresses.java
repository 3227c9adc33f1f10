package shop.gateway.limits;

import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Who a request comes from, for the limits that count per client: the connection's peer, unless
 * the peer is a configured trusted proxy ({@code SHOP_GATEWAY_TRUSTED_PROXIES}: addresses or CIDR
 * ranges) — then the last address in {@code X-Forwarded-For} that is not itself a trusted proxy.
 * From any other peer {@code X-Forwarded-For} is ignored, so a client cannot choose the address it
 * is counted as. Addresses are parsed as literals only (no name is ever looked up).
 */
public final class ClientAddresses {

    private static final String KEY = "shop.clientAddress";
    private static final String FORWARDED_FOR = "X-Forwarded-For";

    private final List<Range> trustedProxies;

    public ClientAddresses(List<String> trustedProxies) {
        this.trustedProxies = trustedProxies.stream().map(Range::parse).toList();
    }

    /** The client's address of a request, worked out once per request. */
    public String of(RoutingContext context) {
        String address = context.get(KEY);
        if (address == null) {
            address = of(context.request());
            context.put(KEY, address);
        }
        return address;
    }

    String of(HttpServerRequest request) {
        String peer = peerOf(request.remoteAddress());
        if (trustedProxies.isEmpty() || !trusted(peer)) {
            return peer;
        }
        List<String> forwarded = request.headers().getAll(FORWARDED_FOR);
        String client = peer;
        // Right to left: each trusted proxy appended the address it got the request from.
        for (int h = forwarded.size() - 1; h >= 0; h--) {
            String[] hops = forwarded.get(h).split(",");
            for (int i = hops.length - 1; i >= 0; i--) {
                String hop = hops[i].strip();
                if (!NetUtil.isValidIpV4Address(hop) && !NetUtil.isValidIpV6Address(hop)) {
                    // Garbage where an address should be: the last good hop is as far as the chain can be believed.
                    return client;
                }
                client = hop;
                if (!trusted(hop)) {
                    return hop;
                }
            }
        }
        return client;
    }

    /** Whether a connection's peer is a trusted proxy (whose connections are not counted as one client's). */
    public boolean trustedPeer(@Nullable SocketAddress peer) {
        return !trustedProxies.isEmpty() && trusted(peerOf(peer));
    }

    private boolean trusted(String address) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
        if (bytes == null) {
            return false;
        }
        for (Range range : trustedProxies) {
            if (range.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    private static String peerOf(@Nullable SocketAddress peer) {
        String host = peer == null ? null : peer.hostAddress();
        return host == null ? "unknown" : host;
    }

    /** An address or a CIDR range, as bytes and a prefix length. */
    private static final class Range {

        private final byte[] network;
        private final int prefix;

        private Range(byte[] network, int prefix) {
            this.network = network;
            this.prefix = prefix;
        }

        static Range parse(String text) {
            String[] parts = text.strip().split("/", 2);
            byte[] network = NetUtil.createByteArrayFromIpAddressString(parts[0]);
            if (network == null) {
                throw invalid();
            }
            int prefix = network.length * 8;
            if (parts.length == 2) {
                try {
                    prefix = Integer.parseInt(parts[1]);
                } catch (NumberFormatException e) {
                    throw invalid();
                }
                if (prefix < 0 || prefix > network.length * 8) {
                    throw invalid();
                }
            }
            return new Range(Arrays.copyOf(network, network.length), prefix);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = prefix / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[whole] & mask) == (network[whole] & mask);
        }

        private static IllegalArgumentException invalid() {
            return new IllegalArgumentException(
                    "SHOP_GATEWAY_TRUSTED_PROXIES must list IP addresses or CIDR ranges (10.0.0.0/8), comma-separated");
        }
    }
}
