package shop.defaults;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where a service's database is and how it is used.
 *
 * @param url a JDBC URL ({@code SHOP_DB_URL}): {@code jdbc:postgresql://host:port/db}, or by default
 *     an H2 file {@code <SHOP_DATA_DIR>/<name>} in PostgreSQL mode, so data survives restarts
 * @param poolSize connections ({@code SHOP_DB_POOL_SIZE}, 10): PostgreSQL does best with about
 *     two busy connections per core in all, and no request holds one across a call to another service
 * @param statementTimeout no statement may run longer ({@code SHOP_DB_STATEMENT_TIMEOUT}, 2 s),
 *     set on each connection: the database itself cancels it then
 */
public record DatabaseSettings(String url, String user, String password, int poolSize, Duration statementTimeout) {

    private static final String H2_FILE = "jdbc:h2:file:";

    /** How long a request waits for a connection of the pool before it is refused (503). */
    public static final Duration ACQUIRE_TIMEOUT = Duration.ofSeconds(2);

    public DatabaseSettings {
        if (!url.startsWith("jdbc:postgresql://") && !url.startsWith("jdbc:h2:")) {
            throw new IllegalArgumentException("SHOP_DB_URL must be a jdbc:postgresql:// or jdbc:h2: URL");
        }
    }

    /**
     * The settings of database {@code name}; for the embedded one, its folder and files are made
     * owner-only on the way ({@link OwnerOnlyFiles}: file I/O, once at start).
     */
    public static DatabaseSettings from(Settings settings, String name) {
        String url = settings.text("SHOP_DB_URL", h2Url(settings.text("SHOP_DATA_DIR", "./data") + "/" + name));
        DatabaseSettings read = new DatabaseSettings(
                url,
                settings.text("SHOP_DB_USER", url.startsWith("jdbc:h2:") ? "sa" : "postgres"),
                settings.text("SHOP_DB_PASSWORD", ""),
                settings.integer("SHOP_DB_POOL_SIZE", 10, 1, 200),
                settings.positiveDuration("SHOP_DB_STATEMENT_TIMEOUT", Duration.ofSeconds(2)));
        read.h2File().ifPresent(OwnerOnlyFiles::h2);
        return read;
    }

    /**
     * The client's own deadline for every answer of the database, derived from the statement
     * timeout: one second more, for the database to report its own cancel first. A connection
     * that owes an answer and is silent this long is closed (never handed out again), whatever it
     * was waiting for:
     * a statement, a batch, a transaction's next answer. It is the one deadline of all database
     * operations; acquiring a connection from the pool has {@link #ACQUIRE_TIMEOUT}.
     */
    public Duration deadline() {
        return statementTimeout.plusSeconds(1);
    }

    /** The embedded database's file, without H2's {@code .mv.db}; empty for PostgreSQL or H2 in memory. */
    public Optional<Path> h2File() {
        if (!url.startsWith(H2_FILE)) {
            return Optional.empty();
        }
        int options = url.indexOf(';');
        return Optional.of(Path.of(url.substring(H2_FILE.length(), options < 0 ? url.length() : options)));
    }

    /** An H2 file database that speaks the PostgreSQL dialect Shop's SQL is written in. */
    public static String h2Url(String file) {
        return H2_FILE + file + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    }

    public boolean postgres() {
        return url.startsWith("jdbc:postgresql:");
    }
}
