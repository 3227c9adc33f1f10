package shop.defaults;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.ext.web.Router;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A service on ports the system chose says which in {@code SHOP_PORT_FILE}, once it listens on them. */
class PortFileIntegrationTest {

    @Test
    void writesThePortsItListensOnOnceServing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("test-service.ports");
        ServiceRuntime runtime = ServiceRuntime.start(
                "test-service", Settings.of(Map.of("SHOP_PORT_FILE", file.toString(), "SHOP_EVENT_LOOPS", "1")));
        try {
            SharedRoutes shared = runtime.sharedRoutes();
            Router operations = shared.router(failure -> null, SharedRoutes.NO_DATABASE);
            shared.operations(operations);
            int management = runtime.serveOperations(operations, 0)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            assertThat(file).doesNotExist();
            runtime.serve(shared.router(failure -> null, SharedRoutes.NO_DATABASE), 0)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);

            Properties ports = new Properties();
            try (var in = Files.newInputStream(file)) {
                ports.load(in);
            }
            assertThat(ports.getProperty("management-port")).isEqualTo(String.valueOf(management));
            int port = Integer.parseInt(ports.getProperty("port"));
            assertThat(port).isPositive().isNotEqualTo(management);
            try (Socket listening = new Socket("127.0.0.1", port)) {
                assertThat(listening.isConnected()).isTrue();
            }
            try (var left = Files.list(dir)) {
                assertThat(left).as("no temporary file left").containsExactly(file);
            }
        } finally {
            runtime.vertx().close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
