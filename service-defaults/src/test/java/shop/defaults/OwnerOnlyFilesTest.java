package shop.defaults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnerOnlyFilesTest {

    // Defect: H2 made the data folder and its files with the umask's modes, readable by every local user.

    @Test
    void makesTheEmbeddedDatabasesFolderAndFilesItsOwnersAlone(@TempDir Path temp) throws Exception {
        Path data = temp.resolve("shop/data");
        Files.createDirectory(
                temp.resolve("elsewhere"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path stale = Files.createFile(temp.resolve("elsewhere/orders.trace.db"));
        Files.setPosixFilePermissions(stale, PosixFilePermissions.fromString("rw-r--r--"));

        DatabaseSettings settings =
                DatabaseSettings.from(Settings.of(Map.of("SHOP_DATA_DIR", data.toString())), "orders");
        assertThat(settings.h2File()).hasValue(Path.of(data + "/orders"));
        try (Connection connection =
                DriverManager.getConnection(settings.url(), settings.user(), settings.password())) {
            connection.createStatement().execute("create table things (id int)");
            connection.createStatement().execute("insert into things values (1)");
        }
        assertThat(mode(temp.resolve("shop"))).as("a folder it made").isEqualTo("rwx------");
        assertThat(mode(data)).isEqualTo("rwx------");
        try (Stream<Path> files = Files.list(data)) {
            assertThat(files.toList())
                    .isNotEmpty()
                    .allSatisfy(
                            file -> assertThat(mode(file)).as(file.toString()).isEqualTo("rw-------"));
        }
        assertThat(Files.size(data.resolve("orders.mv.db")))
                .as("H2 wrote into it")
                .isPositive();

        DatabaseSettings.from(
                Settings.of(Map.of("SHOP_DATA_DIR", temp.resolve("elsewhere").toString())), "orders");
        assertThat(mode(stale)).as("a file of the database, made before").isEqualTo("rw-------");
        assertThat(mode(temp.resolve("elsewhere/orders.mv.db"))).isEqualTo("rw-------");
        assertThat(mode(temp.resolve("elsewhere")))
                .as("a folder that was there before")
                .isEqualTo("rwxr-xr-x");
    }

    @Test
    void hasNothingToDoForPostgresql() {
        assertThat(new DatabaseSettings(
                                "jdbc:postgresql://localhost:5432/shop",
                                "postgres",
                                "",
                                1,
                                java.time.Duration.ofSeconds(1))
                        .h2File())
                .isEmpty();
    }

    private static String mode(Path path) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
