package shop.system;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy of the test's own, between two services (or a service and its database), that can
 * misbehave on command: pass traffic, delay it, refuse new connections, reset connections after the
 * request went through (so the work is done but its answer is lost), or stop passing the bytes of
 * the connections open now while new ones go through (half-open connections: no reset, no error,
 * as after a failover that moved the database or a dropped NAT entry).
 */
final class FaultyProxy implements AutoCloseable {

    enum Mode {
        PASS,
        DELAY,
        REFUSE,
        RESET_AFTER_REQUEST
    }

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    /** Sockets whose bytes are swallowed from now on, both ways. */
    private final Set<Socket> stalled = ConcurrentHashMap.newKeySet();

    final AtomicInteger resets = new AtomicInteger();
    /** Reads of request bytes so far: above zero once a caller has started sending a request. */
    final AtomicInteger requestReads = new AtomicInteger();

    private volatile Mode mode = Mode.PASS;
    private volatile Duration delay = Duration.ZERO;

    FaultyProxy(int targetPort) throws IOException {
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("proxy-accept").start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    void pass() {
        mode = Mode.PASS;
    }

    void delay(Duration by) {
        delay = by;
        mode = Mode.DELAY;
    }

    void refuse() {
        mode = Mode.REFUSE;
        resetAll();
    }

    void resetAfterRequest() {
        mode = Mode.RESET_AFTER_REQUEST;
    }

    /**
     * The connections open now pass nothing more, either way, but stay open; connections opened
     * from now on pass as before.
     */
    void stallOpenConnections() {
        stalled.addAll(open);
    }

    /** Resets every open connection now (RST, not a polite close). */
    void resetAll() {
        for (Socket socket : open) {
            reset(socket);
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (mode == Mode.REFUSE) {
                    reset(client);
                    continue;
                }
                Socket upstream = new Socket();
                upstream.connect(target, 1000);
                open.add(client);
                open.add(upstream);
                Thread.ofVirtual().start(() -> pump(client, upstream, true));
                Thread.ofVirtual().start(() -> pump(upstream, client, false));
            } catch (IOException e) {
                // The target is down or the proxy is closing: the client sees its connection fail.
            }
        }
    }

    private void pump(Socket from, Socket to, boolean requestDirection) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (requestDirection) {
                    requestReads.incrementAndGet();
                }
                Mode now = mode;
                if (!requestDirection && now == Mode.RESET_AFTER_REQUEST) {
                    // The request was served; lose its answer.
                    reset(from);
                    reset(to);
                    return;
                }
                if (now == Mode.DELAY) {
                    Thread.sleep(delay);
                }
                if (stalled.contains(from)) {
                    continue;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // One side went away: take the other down too.
        } finally {
            close(from);
            close(to);
        }
    }

    private void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
            resets.incrementAndGet();
        } catch (IOException e) {
            // Already closed.
        }
        open.remove(socket);
        stalled.remove(socket);
    }

    private void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Already closed.
        }
        open.remove(socket);
        stalled.remove(socket);
    }

    @Override
    public void close() throws IOException {
        server.close();
        resetAll();
    }
}
