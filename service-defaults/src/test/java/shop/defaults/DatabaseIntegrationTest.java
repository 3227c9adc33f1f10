package shop.defaults;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The embedded database through the one data-access path: migrations, commits, constraint failures. */
class DatabaseIntegrationTest {

    private static ServiceRuntime runtime;
    private static Pool pool;
    private static String url;

    @BeforeAll
    static void open() throws Exception {
        Path folder = Files.createTempDirectory("shop-database-test");
        url = DatabaseSettings.h2Url(folder.resolve("things").toString());
        Settings settings = Settings.of(Map.of("SHOP_DB_URL", url, "SHOP_DB_POOL_SIZE", "1"));
        runtime = ServiceRuntime.start("database-test", settings);
        pool = Database.open(runtime, DatabaseSettings.from(settings, "things"))
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void close() {
        runtime.vertx().close();
    }

    @Test
    void commitsAStatementRunAfterATransactionOnTheSameConnection() throws Exception {
        // One connection in the pool: the plain insert runs on the connection the transaction used.
        pool.withTransaction(connection -> connection
                        .preparedQuery("insert into things (id, name) values (?, ?)")
                        .execute(Tuple.of(1, "in a transaction")))
                .compose(done -> pool.preparedQuery("insert into things (id, name) values (?, ?)")
                        .execute(Tuple.of(2, "on its own")))
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        try (var other = DriverManager.getConnection(url, "sa", "");
                var rows = other.createStatement().executeQuery("select count(*) from things where id in (1, 2)")) {
            rows.next();
            assertThat(rows.getInt(1))
                    .as("both rows committed, seen from another connection")
                    .isEqualTo(2);
        }
    }

    @Test
    void recognisesAUniqueViolation() throws Exception {
        Throwable failure = pool.preparedQuery("insert into things (id, name) values (?, ?)")
                .execute(Tuple.of(10, "first"))
                .compose(done -> pool.preparedQuery("insert into things (id, name) values (?, ?)")
                        .execute(Tuple.of(10, "second")))
                .toCompletionStage()
                .toCompletableFuture()
                .handle((rows, error) -> error)
                .get(10, TimeUnit.SECONDS);
        assertThat(Database.isUniqueViolation(failure)).isTrue();
        assertThat(Database.isUniqueViolation(new IllegalStateException("other")))
                .isFalse();
    }
}
