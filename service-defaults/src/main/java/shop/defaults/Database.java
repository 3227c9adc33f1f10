package shop.defaults;

import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.pgclient.spi.PgDriver;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.impl.SqlClientInternal;
import io.vertx.sqlclient.templates.impl.SqlTemplate;
import java.net.URI;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's database: its Flyway migrations applied at start (on a worker thread), then one
 * {@link Pool} for all its SQL, whichever the database: the reactive PostgreSQL client
 * (pipelined) in production, the JDBC client over H2 for the embedded default. Queries are
 * written once, as SQL templates, for both.
 */
public final class Database {

    private static final Logger log = LoggerFactory.getLogger(Database.class);
    private static final String UNIQUE_VIOLATION = "23505";

    private Database() {}

    /** Migrates (on a worker thread), then opens the pool; the runtime closes it at shutdown. */
    public static Future<Pool> open(ServiceRuntime runtime, DatabaseSettings settings) {
        Future<Void> migrated = runtime.vertx().executeBlocking(() -> {
            migrate(settings);
            return null;
        });
        return migrated.map(done -> {
            Pool pool = pool(runtime, settings);
            Gauge.builder("db.pool.connections", pool, Pool::size)
                    .description("Connections the service's database pool holds open")
                    .register(runtime.registry());
            runtime.onShutdown(pool::close);
            return pool;
        });
    }

    private static void migrate(DatabaseSettings settings) {
        long started = System.nanoTime();
        var result = Flyway.configure()
                .dataSource(settings.url(), settings.user(), settings.password())
                .locations("classpath:db/migration")
                .validateOnMigrate(true)
                .load()
                .migrate();
        log.info(
                "Database {} migrated: {} migrations applied in {} ms",
                settings.postgres() ? "PostgreSQL" : "H2",
                result.migrationsExecuted,
                (System.nanoTime() - started) / 1_000_000);
    }

    static Pool pool(ServiceRuntime runtime, DatabaseSettings settings) {
        PoolOptions options = new PoolOptions()
                .setMaxSize(settings.poolSize())
                .setName(runtime.name() + "-db")
                .setShared(false)
                // An unreachable database fails a request within 2 s instead of queuing it.
                .setConnectionTimeout(2)
                .setConnectionTimeoutUnit(TimeUnit.SECONDS);
        long timeoutMillis = settings.statementTimeout().toMillis();
        if (settings.postgres()) {
            URI uri = URI.create(settings.url().substring("jdbc:".length()));
            PgConnectOptions connect = new PgConnectOptions()
                    .setHost(uri.getHost())
                    .setPort(uri.getPort() > 0 ? uri.getPort() : 5432)
                    .setDatabase(uri.getPath().substring(1))
                    .setUser(settings.user())
                    .setPassword(settings.password())
                    .setCachePreparedStatements(true)
                    // Concurrent requests' statements share a connection's round trips.
                    .setPipeliningLimit(256)
                    .addProperty("statement_timeout", String.valueOf(timeoutMillis))
                    .addProperty("application_name", runtime.name());
            return PgBuilder.pool()
                    .with(options)
                    .connectingTo(connect)
                    .using(runtime.vertx())
                    .build();
        }
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(settings.url() + ";QUERY_TIMEOUT=" + timeoutMillis);
        h2.setUser(settings.user());
        h2.setPassword(settings.password());
        return JDBCPool.pool(runtime.vertx(), AutoCommitAfterTransactions.wrap(h2), options);
    }

    /**
     * Runs statements in one transaction at the cost of few round trips: BEGIN is not waited for
     * but goes out ahead of the first statement (pipelined on PostgreSQL), and COMMIT follows the
     * last, or ROLLBACK if they fail.
     */
    public static <T> Future<T> inTransaction(Pool pool, Function<SqlConnection, Future<T>> statements) {
        return pool.getConnection().compose(connection -> {
            connection.begin();
            Transaction transaction = connection.transaction();
            Future<T> result;
            try {
                result = statements.apply(connection);
            } catch (RuntimeException e) {
                result = Future.failedFuture(e);
            }
            return result.transform(done -> done.succeeded()
                            ? transaction.commit().map(done.result())
                            : transaction.rollback().transform(ended -> Future.<T>failedFuture(done.cause())))
                    .eventually(connection::close);
        });
    }

    /**
     * Whether the pool answers a batch with one result per execution, as PostgreSQL's client does
     * (the JDBC client answers with their sum).
     */
    static boolean countsEachOfABatch(Pool pool) {
        return ((SqlClientInternal) pool).driver() instanceof PgDriver;
    }

    /** Whether a statement failed on a unique constraint, on either database. */
    public static boolean isUniqueViolation(Throwable failure) {
        return UNIQUE_VIOLATION.equals(sqlState(failure));
    }

    /** The SQLSTATE a statement failed with, on either database; null for a failure of another kind. */
    static @Nullable String sqlState(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            // A wrapper without a state of its own may carry the database's error as its cause.
            if (cause instanceof PgException pg && pg.getSqlState() != null) {
                return pg.getSqlState();
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    /**
     * A statement written as a SQL template ({@code #{name}} parameters), parsed once for its
     * pool's database, then run on the pool or on one of its connections (in a transaction).
     * {@code SqlTemplate.forUpdate(connection, ...)} parses the text again on every call, with
     * regular expressions: a twentieth of payment-service's CPU per order.
     */
    public static final class Statement {

        private final SqlTemplate template;

        private Statement(SqlTemplate template) {
            this.template = template;
        }

        public static Statement of(Pool pool, String template) {
            return new Statement(SqlTemplate.create((SqlClientInternal) pool, template));
        }

        /** Runs on {@code client}: the pool, or a connection of it. */
        public Future<RowSet<Row>> execute(SqlClient client, Map<String, Object> parameters) {
            return client.preparedQuery(template.getSql()).execute(template.mapTuple(parameters));
        }

        /**
         * Runs once for each set of parameters, in one round trip: on PostgreSQL in one implicit
         * transaction, all or nothing. The results follow one another ({@link RowSet#next()}).
         */
        public Future<RowSet<Row>> executeBatch(SqlClient client, List<Map<String, Object>> parameters) {
            return client.preparedQuery(template.getSql())
                    .executeBatch(parameters.stream().map(template::mapTuple).toList());
        }
    }
}
