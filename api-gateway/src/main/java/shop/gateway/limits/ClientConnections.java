package shop.gateway.limits;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import shop.defaults.Problem;
import shop.defaults.Problems;

/**
 * Keeps slow or greedy clients from tying up the gateway, per connection:
 *
 * <ul>
 *   <li>a deadline for a request's whole head ({@value #HEAD_SECONDS} s from the connection's
 *       opening, or from the previous answer on a kept-alive connection) and for its whole body
 *       ({@value #BODY_SECONDS} s from its head): a client that trickles bytes (one header line a
 *       second) resets the idle timeout but not these, and is hung up on (a late body is answered
 *       408 first);
 *   <li>at most {@code maxPerAddress} open connections per client address; more are closed at
 *       once. Connections from trusted proxies are not counted (they carry many clients');
 *   <li>nothing worked on after an answer that closes the connection (see {@link #requests}).
 * </ul>
 *
 * The deadlines are checked by a sweep every second over the open connections, so a request pays
 * only a map lookup and two writes; a deadline may be overstepped by up to a second. The idle
 * timeout (8 s) usually ends a trickled head first: the server counts a head as activity only once
 * it is whole.
 */
public final class ClientConnections implements Handler<HttpConnection> {

    static final int HEAD_SECONDS = 10;
    static final int BODY_SECONDS = 10;
    private static final long HEAD_NANOS = TimeUnit.SECONDS.toNanos(HEAD_SECONDS);
    private static final long BODY_NANOS = TimeUnit.SECONDS.toNanos(BODY_SECONDS);

    private final int maxPerAddress;
    private final ClientAddresses addresses;
    /**
     * The open connections, and how many each client address has open. Bounded by the connections
     * open now (the process's file descriptors), whatever clients send: an entry goes when its
     * connection closes, an address's when its last one does.
     */
    private final ConcurrentHashMap<HttpConnection, Tracked> open = new ConcurrentHashMap<>();

    private final ConcurrentHashMap<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    ClientConnections(int maxPerAddress, ClientAddresses addresses) {
        this.maxPerAddress = maxPerAddress;
        this.addresses = addresses;
    }

    /** The limits, and their sweep once a second. */
    public static ClientConnections start(Vertx vertx, int maxPerAddress, ClientAddresses addresses) {
        ClientConnections connections = new ClientConnections(maxPerAddress, addresses);
        vertx.setPeriodic(1_000, id -> connections.sweep(System.nanoTime()));
        return connections;
    }

    /** Sees every new connection first (on its own event loop). */
    @Override
    public void handle(HttpConnection connection) {
        String counted = null;
        if (maxPerAddress > 0 && !addresses.trustedPeer(connection.remoteAddress())) {
            String address = connection.remoteAddress() == null
                    ? "unknown"
                    : connection.remoteAddress().hostAddress();
            AtomicInteger count = perAddress.computeIfAbsent(address, a -> new AtomicInteger());
            if (count.incrementAndGet() > maxPerAddress) {
                release(address);
                connection.close();
                return;
            }
            counted = address;
        }
        Tracked tracked = new Tracked(connection, Vertx.currentContext(), System.nanoTime());
        open.put(connection, tracked);
        String address = counted;
        connection.closeHandler(closed -> {
            open.remove(connection);
            if (address != null) {
                release(address);
            }
        });
    }

    /**
     * Wraps the server's request handler: notes that a request's head has arrived, and drops a
     * request that was pipelined behind an answer that closes the connection (a refusal of
     * framing or of a malformed request): whatever follows such a request on the connection may be
     * a smuggled one, and is never worked on.
     */
    public Handler<HttpServerRequest> requests(Handler<HttpServerRequest> handler) {
        return request -> {
            Tracked tracked = open.get(request.connection());
            if (tracked != null) {
                if (tracked.closing()) {
                    request.connection().close();
                    return;
                }
                tracked.headArrived(request, System.nanoTime());
            }
            handler.handle(request);
        };
    }

    void sweep(long now) {
        for (Tracked tracked : open.values()) {
            tracked.check(now);
        }
    }

    private void release(String address) {
        perAddress.computeIfPresent(address, (a, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    /** One open connection: what it is waiting for, and since when. */
    private static final class Tracked {

        private final HttpConnection connection;
        private final @Nullable Context context;
        /** The request being read or answered; null while the next one's head is awaited. */
        private final AtomicReference<@Nullable HttpServerRequest> request = new AtomicReference<>();
        /** When the current wait began: for a head, the opening or the previous answer; for a body, its head. */
        private volatile long since;

        Tracked(HttpConnection connection, @Nullable Context context, long now) {
            this.connection = connection;
            this.context = context;
            this.since = now;
        }

        /** Whether the last answer on this connection said it closes it. */
        boolean closing() {
            HttpServerRequest previous = request.get();
            return previous != null
                    && "close".equalsIgnoreCase(previous.response().headers().get(HttpHeaders.CONNECTION));
        }

        void headArrived(HttpServerRequest request, long now) {
            this.request.set(request);
            this.since = now;
        }

        void check(long now) {
            HttpServerRequest current = request.get();
            if (current == null) {
                if (now - since > HEAD_NANOS) {
                    connection.close();
                }
            } else if (!current.isEnded()) {
                if (now - since > BODY_NANOS) {
                    tooSlow(current);
                }
            } else if (current.response().ended() && request.compareAndSet(current, null)) {
                // Answered (and no next request arrived meanwhile): the next head is due within its deadline from now.
                since = now;
            }
        }

        /** A body that did not arrive in time: 408 if nothing was answered yet, and the connection closed. */
        private void tooSlow(HttpServerRequest current) {
            if (context == null) {
                connection.close();
                return;
            }
            context.runOnContext(v -> {
                if (!current.response().headWritten()) {
                    current.response().putHeader(HttpHeaders.CONNECTION, "close");
                    Problems.write(
                                    current.response(),
                                    Problem.of(408, "request-timeout", "The request did not arrive in time"))
                            .onComplete(done -> connection.close());
                } else {
                    connection.close();
                }
            });
        }
    }
}
