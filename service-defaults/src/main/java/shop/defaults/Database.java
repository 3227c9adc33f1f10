package shop.defaults;

import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpMethod;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.pgclient.spi.PgDriver;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.impl.SqlClientInternal;
import io.vertx.sqlclient.templates.impl.SqlTemplate;
import java.net.SocketException;
import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
 * written once, as SQL templates, for both. Every wait on the database has a deadline, set here:
 * {@link DatabaseSettings#deadline()} for each answer (a connection that owes one and is silent
 * that long is closed: {@link ConnectionDeadline}),
 * {@link DatabaseSettings#ACQUIRE_TIMEOUT} for a pooled connection; readiness is down while the
 * database does not answer ({@link DatabaseProbe}).
 */
public final class Database {

    private static final Logger log = LoggerFactory.getLogger(Database.class);
    private static final String UNIQUE_VIOLATION = "23505";
    /**
     * SQLSTATE classes of a database that cannot serve now: connection exception (08), insufficient
     * resources (53), operator intervention (57: a statement cancelled by its timeout, a shutdown).
     */
    private static final Set<String> UNAVAILABLE_CLASSES = Set.of("08", "53", "57");

    /** How long a starting service waits for its database's first answer before it gives up. */
    private static final Duration START_WAIT = Duration.ofSeconds(30);

    private Database() {}

    /** Migrates (on a worker thread), then opens the pool; the runtime closes it at shutdown. */
    public static Future<Pool> open(ServiceRuntime runtime, DatabaseSettings settings) {
        Future<Void> migrated = runtime.vertx().executeBlocking(() -> {
            migrate(settings);
            return null;
        });
        return migrated.compose(done -> {
            Pool pool = pool(runtime, settings);
            Gauge.builder("db.pool.connections", pool, Pool::size)
                    .description("Connections the service's database pool holds open")
                    .register(runtime.registry());
            runtime.onShutdown(pool::close);
            DatabaseProbe probe = DatabaseProbe.start(runtime.vertx(), pool, settings.deadline());
            runtime.readyOnlyWhile("database", probe::reachable);
            return firstAnswer(runtime.vertx(), pool, System.nanoTime() + START_WAIT.toNanos())
                    .map(pool);
        });
    }

    /**
     * The pool's first connection, asked for again until the database answers or {@link
     * #START_WAIT} has passed: on a loaded machine the first one (and the client's first classes)
     * can take longer than the pool's 2 s wait, which is meant for requests, not for a start.
     */
    private static Future<Void> firstAnswer(Vertx vertx, Pool pool, long giveUpAtNanos) {
        return pool.query("SELECT 1").execute().<Void>mapEmpty().recover(failure -> {
            if (System.nanoTime() > giveUpAtNanos) {
                return Future.failedFuture(new IllegalStateException(
                        "The database did not answer within " + START_WAIT.toSeconds() + " s of start: " + failure,
                        failure));
            }
            log.info("Waiting for the database's first answer: {}", failure.toString());
            return vertx.timer(200).compose(later -> firstAnswer(vertx, pool, giveUpAtNanos));
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
                // An unreachable database fails a request within this instead of queuing it.
                .setConnectionTimeout((int) DatabaseSettings.ACQUIRE_TIMEOUT.toMillis())
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
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
                    .withConnectHandler(connection -> {
                        ConnectionDeadline.apply(connection, settings.deadline());
                        // Handed back to the pool, which gives it out from now on.
                        connection.close();
                    })
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
     * The problem of a failure that says the database did not answer, or null for any other: 503
     * {@code database-unavailable} with {@code Retry-After}, a state of affairs rather than an error
     * of the code (one line, no stack). A write that the database had when its connection was lost
     * may have been committed: 504 {@code outcome-unknown}, without an invitation to send it again.
     * A service with a database gives it to {@link SharedRoutes#router}.
     */
    public static @Nullable Problem problemOf(HttpMethod method, Throwable failure) {
        if (!isUnavailable(failure)) {
            return null;
        }
        log.warn("{} request: the database did not answer: {}", method, failure.toString());
        if (method != HttpMethod.GET && method != HttpMethod.HEAD && mayHaveCommitted(failure)) {
            return Problem.of(
                    504,
                    "outcome-unknown",
                    "The database did not confirm the change in time: it may have been carried out. Look before"
                            + " sending it again, or send it again with the same Idempotency-Key");
        }
        return Problem.of(503, "database-unavailable", "The database does not answer for now; retry shortly")
                .retryAfter(Duration.ofSeconds(1));
    }

    /**
     * Whether a failure says the database could not be reached or did not answer in time (a
     * connection refused, reset or closed, the pool's wait for a connection over, a statement
     * cancelled by its timeout, the server shutting down): the service is unavailable for now, which is no
     * fault of the request's.
     */
    public static boolean isUnavailable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ClosedConnectionException
                    || cause instanceof SocketException
                    || isAcquireTimeout(cause)) {
                return true;
            }
            String state = cause instanceof PgException pg
                    ? pg.getSqlState()
                    : cause instanceof SQLException sql ? sql.getSQLState() : null;
            if (state != null) {
                return UNAVAILABLE_CLASSES.contains(state.substring(0, Math.min(2, state.length())));
            }
        }
        return false;
    }

    /**
     * Whether a failure may have left its write done: the connection was lost while the database had
     * the statement, so it may have committed. Any other failure of a write undid it.
     */
    public static boolean mayHaveCommitted(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ClosedConnectionException) {
                return true;
            }
        }
        return false;
    }

    /** The pool's own words when no connection was free in time (it has no exception type for it). */
    private static boolean isAcquireTimeout(Throwable failure) {
        return failure instanceof VertxException
                && failure.getMessage() != null
                && failure.getMessage().startsWith("Timeout");
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
     * (the JDBC client answers with their sum). Asked of the pool's internal view, as {@link
     * Statement} needs it anyway: a public pool does not say which driver it has.
     */
    static boolean countsEachOfABatch(Pool pool) {
        return ((SqlClientInternal) pool).driver() instanceof PgDriver;
    }

    /** Whether a statement failed on a unique constraint, on either database. */
    public static boolean isUniqueViolation(Throwable failure) {
        return UNIQUE_VIOLATION.equals(sqlState(failure));
    }

    /**
     * Whether a statement failed on the constraint of that name, on either database (PostgreSQL
     * names it as it was written, H2 in upper case).
     */
    public static boolean violates(Throwable failure, String constraint) {
        String state = sqlState(failure);
        if (state == null || !state.startsWith("23")) {
            return false;
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null
                    && cause.getMessage().toLowerCase(Locale.ROOT).contains(constraint)) {
                return true;
            }
        }
        return false;
    }

    /** The row counts of a batch's results, one an execution ({@link RowSet#next()}). */
    public static List<Integer> rowCounts(RowSet<Row> first) {
        List<Integer> counts = new ArrayList<>();
        for (RowSet<Row> result = first; result != null; result = result.next()) {
            counts.add(result.rowCount());
        }
        return counts;
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
     * regular expressions: a twentieth of payment-service's CPU per order. Only vertx-sql-client's
     * implementation of templates parses once for any client of a pool (it needs the pool's
     * internal view, for its driver's placeholders); Vert.x 5.0.7 has no public API for it.
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
