package shop.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Slow clients against the three real services: 1,100 connections, from 44 client addresses
 * ({@code 127.0.0.x}), each sending one header line a second and never finishing its request,
 * while a real client places orders and reads the catalog. Every real request must be answered as
 * usual (well within a few seconds: the bound is generous, this is no measure of speed), and the
 * gateway must hang up on every slow connection within its deadline.
 */
// Defect: 1,100 connections each sending one header line a second kept every real request waiting
// (5 s time-outs) for as long as they stayed; no key needed.
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowClientsSystemTest {

    private static final int SLOW_CONNECTIONS = 1_100;
    private static final int ADDRESSES = 44;

    private ShopProcesses shop;
    private Gateway gateway;

    @BeforeAll
    void start() throws Exception {
        shop = new ShopProcesses("slow-clients")
                .withEnv("api-gateway", "SHOP_RATE_LIMIT", "0")
                .withEnv("api-gateway", "SHOP_MAX_CONNECTIONS_PER_ADDRESS", "64")
                .start();
        gateway = new Gateway(shop.gatewayUrl());
    }

    @AfterAll
    void stop() throws Exception {
        shop.close();
    }

    @Test
    void answersRealRequestsAsUsualWhile1100SlowConnectionsTrickleHeaders() throws Exception {
        int port = shop.port("api-gateway");
        List<SocketChannel> slow = new ArrayList<>();
        List<Long> realMillis = new ArrayList<>();
        List<Integer> realStatuses = new ArrayList<>();
        long started = System.nanoTime();
        try {
            for (int i = 0; i < SLOW_CONNECTIONS; i++) {
                InetAddress from = InetAddress.getByName("127.0.0." + (2 + i % ADDRESSES));
                SocketChannel channel = SocketChannel.open();
                channel.bind(new InetSocketAddress(from, 0));
                channel.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
                // Non-blocking: a read that finds nothing says "still waiting" at once, without a timeout.
                channel.configureBlocking(false);
                channel.write(
                        ByteBuffer.wrap("GET /products HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII)));
                slow.add(channel);
            }
            int open = SLOW_CONNECTIONS;
            int openAtFirst = -1;
            long lastTrickle = 0;
            // For 14 s: a header line a second on every slow connection, and real requests in between.
            for (int round = 0;
                    System.nanoTime() - started < Duration.ofSeconds(14).toNanos();
                    round++) {
                if (System.nanoTime() - lastTrickle >= Duration.ofSeconds(1).toNanos()) {
                    lastTrickle = System.nanoTime();
                    open = trickle(slow, round);
                    if (openAtFirst < 0) {
                        openAtFirst = open;
                    }
                }
                long before = System.nanoTime();
                Gateway.Response order = gateway.send(
                        "POST",
                        "/orders",
                        Gateway.GREGOR,
                        "{\"item\":\"t-shirt\",\"price\":100,\"customer\":\"Gregor\"}",
                        Map.of(
                                "Content-Type",
                                "application/json",
                                "Idempotency-Key",
                                UUID.randomUUID().toString()));
                Gateway.Response catalog = gateway.get("/products", null);
                realMillis.add((System.nanoTime() - before) / 1_000_000);
                realStatuses.add(order.status());
                realStatuses.add(catalog.status());
                Thread.sleep(100);
            }
            System.out.printf(
                    "slow clients: %d real request pairs, slowest %d ms; of %d slow connections %d waiting after the first second, %d after 14 s%n",
                    realMillis.size(),
                    realMillis.stream().mapToLong(Long::longValue).max().orElse(0),
                    SLOW_CONNECTIONS,
                    openAtFirst,
                    open);
            assertThat(openAtFirst)
                    .as("slow connections held open, waiting, while the real requests were made")
                    .isEqualTo(SLOW_CONNECTIONS);
            assertThat(realStatuses)
                    .as("every real request answered")
                    .isNotEmpty()
                    .allMatch(status -> status == 201 || status == 200);
            assertThat(realMillis)
                    .as("each order and catalog read answered well within a few seconds")
                    .allMatch(millis -> millis < 3_000);
            assertThat(open)
                    .as("slow connections left open past their head's deadline")
                    .isZero();
        } finally {
            for (SocketChannel channel : slow) {
                channel.close();
            }
        }
    }

    @Test
    void keepsAtMost64ConnectionsOfOneAddressOpen() throws Exception {
        int port = shop.port("api-gateway");
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                sockets.add(
                        new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName("127.0.0.99"), 0));
            }
            Thread.sleep(500);
            int answered = 0;
            for (Socket socket : sockets) {
                if (answers(socket)) {
                    answered++;
                }
            }
            assertThat(answered).as("connections of one address served").isEqualTo(64);
            assertThat(gateway.get("/products", null).status())
                    .as("another client is served")
                    .isEqualTo(200);
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    /** Whether a request on this connection is answered (one the gateway has closed is not). */
    private static boolean answers(Socket socket) {
        try {
            socket.setSoTimeout(5_000);
            socket.getOutputStream()
                    .write("GET /products HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            byte[] status = socket.getInputStream().readNBytes(12);
            return new String(status, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200");
        } catch (IOException closed) {
            return false;
        }
    }

    /** Writes a header line on each connection; how many are still waiting (not answered, not hung up on). */
    private static int trickle(List<SocketChannel> channels, int round) {
        int open = 0;
        ByteBuffer answer = ByteBuffer.allocate(1024);
        for (SocketChannel channel : channels) {
            if (!channel.isOpen()) {
                continue;
            }
            try {
                channel.write(ByteBuffer.wrap(("X-Slow-" + round + ": a\r\n").getBytes(StandardCharsets.US_ASCII)));
                answer.clear();
                if (channel.read(answer) == 0) {
                    open++;
                } else {
                    channel.close();
                }
            } catch (IOException closed) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // already gone
                }
            }
        }
        return open;
    }
}
