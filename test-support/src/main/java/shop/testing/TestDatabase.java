package shop.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;
import shop.defaults.DatabaseSettings;
import shop.defaults.Settings;

/**
 * A fresh, empty database for one test suite. On PostgreSQL whenever a server answers (a new
 * database, dropped when the JVM exits); on an embedded H2 file otherwise. With {@code CI=true}
 * an unreachable PostgreSQL fails the suite instead: CI must test the SQL production runs.
 *
 * <p>The server is {@code SHOP_TEST_POSTGRES_URL} (default
 * {@code jdbc:postgresql://127.0.0.1:5432/postgres}), as {@code SHOP_TEST_POSTGRES_USER}
 * (default {@code postgres}) with {@code SHOP_TEST_POSTGRES_PASSWORD} (default empty). A server
 * that answers but refuses that login (a stock Debian PostgreSQL wants a password on 127.0.0.1)
 * fails the first suite that needs it with what to change, and every later one with a pointer to
 * that: not each with the driver's exception.
 */
public record TestDatabase(Kind kind, String url, String username, String password) {

    public enum Kind {
        POSTGRESQL,
        H2
    }

    private static final String ADMIN_URL = env("SHOP_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    private static final String ADMIN_USER = env("SHOP_TEST_POSTGRES_USER", "postgres");
    private static final String ADMIN_PASSWORD = env("SHOP_TEST_POSTGRES_PASSWORD", "");

    /** Whether the server has been asked if it lets the tests in (once a JVM), and its refusal if not. */
    private static boolean accessChecked;

    private static @Nullable String refusal;

    /** PostgreSQL if a server answers (required when {@code CI=true}), else H2. */
    public static TestDatabase create(String purpose) {
        if (postgresReachable()) {
            return postgres(purpose);
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but no PostgreSQL answers at " + ADMIN_URL
                    + ": start one (see .ci/run) rather than testing on H2 alone");
        }
        return h2(purpose);
    }

    public static TestDatabase postgres(String purpose) {
        String name = "shop_test_%s_%s"
                .formatted(purpose, UUID.randomUUID().toString().substring(0, 8))
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9_]", "_");
        requireAccess();
        try (Connection admin = DriverManager.getConnection(ADMIN_URL, ADMIN_USER, ADMIN_PASSWORD)) {
            admin.createStatement().execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create database " + name + " at " + ADMIN_URL, e);
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> drop(name)));
        String url = ADMIN_URL.substring(0, ADMIN_URL.lastIndexOf('/') + 1) + name;
        return new TestDatabase(Kind.POSTGRESQL, url, ADMIN_USER, ADMIN_PASSWORD);
    }

    /** Fails when the server refuses the tests' login: in full the first time, then by reference. */
    private static synchronized void requireAccess() {
        if (!accessChecked) {
            accessChecked = true;
            refusal = refusal(ADMIN_URL, ADMIN_USER, ADMIN_PASSWORD).orElse(null);
            if (refusal != null) {
                throw new IllegalStateException(refusal);
            }
        } else if (refusal != null) {
            throw new IllegalStateException("PostgreSQL at " + ADMIN_URL + " refuses the tests' connection as "
                    + ADMIN_USER + " (what to change: the first test that failed so says)");
        }
    }

    /**
     * Why the server at {@code url} refuses {@code user}, with what to change, if it does (an
     * authentication or authorization failure); any other failure is left to say itself where it
     * happens.
     */
    static Optional<String> refusal(String url, String user, String password) {
        try (Connection ignored = DriverManager.getConnection(url, user, password)) {
            return Optional.empty();
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            // 28: invalid authorization (a wrong password, no pg_hba.conf entry); 08004: the server
            // rejected the connection (it wants a password and none was given).
            if (!state.startsWith("28") && !state.equals("08004")) {
                return Optional.empty();
            }
            return Optional.of("PostgreSQL at " + url + " refuses the tests' connection as " + user + " ("
                    + e.getMessage() + "). The tests create and drop their own databases there: let"
                    + " connections from this machine in (pg_hba.conf: \"host all all 127.0.0.1/32 trust\","
                    + " then SELECT pg_reload_conf()), or give the tests a role that may create databases"
                    + " with SHOP_TEST_POSTGRES_USER and SHOP_TEST_POSTGRES_PASSWORD (SHOP_TEST_POSTGRES_URL"
                    + " for another server). With no server answering on 127.0.0.1:5432 they run on H2.");
        }
    }

    public static TestDatabase h2(String purpose) {
        try {
            Path folder = Files.createTempDirectory("shop-test-" + purpose);
            // Open until the JVM exits: a test that stops a service abruptly and starts another on
            // the same file, in the same JVM, would otherwise race H2 closing the database behind the
            // first one's last connection, and could join it half-closed (tables not found).
            String url = DatabaseSettings.h2Url(folder.resolve(purpose).toString()) + ";DB_CLOSE_DELAY=-1";
            return new TestDatabase(Kind.H2, url, "sa", "");
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create a folder for the test database", e);
        }
    }

    public static boolean postgresReachable() {
        URI server = URI.create(ADMIN_URL.substring("jdbc:".length()));
        try (Socket socket = new Socket()) {
            socket.connect(
                    new InetSocketAddress(server.getHost(), server.getPort() > 0 ? server.getPort() : 5432), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The databases every repository test runs on: H2 always, and PostgreSQL when a server
     * answers (always with {@code CI=true}, where a missing server fails the build).
     */
    public static List<TestDatabase> everyKind(String purpose) {
        boolean required = "true".equalsIgnoreCase(System.getenv("CI"));
        return required || postgresReachable() ? List.of(h2(purpose), postgres(purpose)) : List.of(h2(purpose));
    }

    /** The settings that point a service at this database. */
    public Settings settings() {
        return Settings.of(Map.of("SHOP_DB_URL", url, "SHOP_DB_USER", username, "SHOP_DB_PASSWORD", password));
    }

    @Override
    public String toString() {
        return kind.name();
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, username, password);
    }

    /**
     * Applies the service's migrations (those on the classpath) up to {@code version} ("latest"
     * for all), as a service's start does: a migration test's "before" and "after".
     */
    public void migrateTo(String version) {
        Flyway.configure()
                .dataSource(url, username, password)
                .locations("classpath:db/migration")
                .target(version)
                .load()
                .migrate();
    }

    private static void drop(String name) {
        try (Connection admin = DriverManager.getConnection(ADMIN_URL, ADMIN_USER, ADMIN_PASSWORD)) {
            admin.createStatement().execute("drop database if exists " + name + " with (force)");
        } catch (SQLException e) {
            System.err.println("Could not drop test database " + name + ": " + e.getMessage());
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
