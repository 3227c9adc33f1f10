package shop.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class TestDatabaseTest {

    /**
     * A server speaking PostgreSQL's protocol that refuses every login as a stock Debian
     * PostgreSQL does on 127.0.0.1 without the password: the message says what to change.
     */
    @Test
    void namesAServerThatRefusesTheTestsLoginAndWhatToChange() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            CompletableFuture<Void> refusing = CompletableFuture.runAsync(() -> refuseOneLogin(server));
            var refusal = TestDatabase.refusal(
                    "jdbc:postgresql://127.0.0.1:" + server.getLocalPort() + "/postgres", "postgres", "");
            refusing.join();
            assertThat(refusal)
                    .hasValueSatisfying(message -> assertThat(message)
                            .contains("refuses the tests' connection as postgres")
                            .contains("password authentication failed for user \"postgres\"")
                            .contains("host all all 127.0.0.1/32 trust")
                            .contains("SHOP_TEST_POSTGRES_USER and SHOP_TEST_POSTGRES_PASSWORD"));
        }
    }

    @Test
    void leavesOtherFailuresToSayThemselves() throws Exception {
        int closed;
        try (ServerSocket server = new ServerSocket(0)) {
            closed = server.getLocalPort();
        }
        assertThat(TestDatabase.refusal("jdbc:postgresql://127.0.0.1:" + closed + "/postgres", "postgres", ""))
                .isEmpty();
    }

    /** Declines TLS and GSS encryption, then answers the startup message with FATAL 28P01. */
    private static void refuseOneLogin(ServerSocket server) {
        try (Socket client = server.accept()) {
            DataInputStream in = new DataInputStream(client.getInputStream());
            DataOutputStream out = new DataOutputStream(client.getOutputStream());
            while (true) {
                int length = in.readInt();
                int code = in.readInt();
                in.readNBytes(length - 8);
                if (code == 80877103 || code == 80877104) { // SSLRequest, GSSENCRequest
                    out.writeByte('N');
                    out.flush();
                    continue;
                }
                byte[] fields = ("SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user \"postgres\"\0\0")
                        .getBytes(StandardCharsets.UTF_8);
                out.writeByte('E');
                out.writeInt(fields.length + 4);
                out.write(fields);
                out.flush();
                return;
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
