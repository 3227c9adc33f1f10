package shop.defaults;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The ports a service listens on, written to the file {@code SHOP_PORT_FILE} names once it does:
 * how {@code ./shop} learns a port the system chose (port 0) without reading the log. One {@code
 * key=value} a line, {@code port=} and, for a service with a management port, {@code
 * management-port=}. Written to a temporary file beside it and renamed, so a reader sees the whole
 * file or none.
 */
final class PortFile {

    private PortFile() {}

    static Future<Void> write(Vertx vertx, Optional<String> file, int port, @Nullable Integer managementPort) {
        if (file.isEmpty()) {
            return Future.succeededFuture();
        }
        String text =
                "port=" + port + "\n" + (managementPort == null ? "" : "management-port=" + managementPort + "\n");
        Path target = Path.of(file.get()).toAbsolutePath();
        return vertx.executeBlocking(() -> {
                    // createTempFile: owner-only, in the same folder, so the rename is atomic.
                    Path temporary = Files.createTempFile(
                            target.getParent(), target.getFileName().toString(), ".tmp");
                    Files.writeString(temporary, text);
                    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    return null;
                })
                .<Void>mapEmpty()
                .recover(failure -> Future.failedFuture(new IllegalStateException(
                        "SHOP_PORT_FILE " + target + " cannot be written: " + failure.getMessage(), failure)));
    }
}
