package shop.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** One request written byte for byte on a socket, for what an HTTP client library will not send. */
public final class RawHttp {

    private RawHttp() {}

    /** The answer's status line, headers and body as text (ISO-8859-1). */
    public static String send(int port, byte[] request) {
        return send("127.0.0.1", port, request);
    }

    /**
     * As {@link #send(int, byte[])}, from another loopback address ({@code 127.0.0.2}...): another
     * client, as far as the gateway can tell.
     */
    public static String send(String from, int port, byte[] request) {
        try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(from), 0)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A request with {@code Connection: close}, so that the answer ends with the connection. */
    public static byte[] request(String method, String target, String headers, byte[] body) {
        byte[] head = (method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers
                        + "Content-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    public static int status(String answer) {
        return Integer.parseInt(answer.substring(9, 12));
    }
}
