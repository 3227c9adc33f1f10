package shop.defaults;

import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Gives every pooled connection a statement timeout enforced by the database server
 * ({@code shop.database.statement-timeout}). Not a per-statement timeout
 * ({@code Statement.setQueryTimeout}): the PostgreSQL driver arms and disarms that with one
 * shared {@link java.util.Timer}, a lock every statement of every request takes.
 */
class StatementTimeouts implements BeanPostProcessor {

    private final Duration timeout;

    StatementTimeouts(Duration timeout) {
        this.timeout = timeout;
    }

    /** After the pool's settings are bound, before it opens a connection (it opens them lazily). */
    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource pool && pool.getConnectionInitSql() == null && pool.getJdbcUrl() != null) {
            String sql = setTimeout(pool.getJdbcUrl(), timeout);
            if (sql == null) {
                throw new IllegalStateException("No statement timeout is known for " + pool.getJdbcUrl().split(":")[1]
                        + "; set spring.datasource.hikari.connection-init-sql to one");
            }
            pool.setConnectionInitSql(sql);
        }
        return bean;
    }

    /** The statement that sets a session's timeout, in the dialect of the database the URL names. */
    static @Nullable String setTimeout(String jdbcUrl, Duration timeout) {
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return "SET statement_timeout = " + timeout.toMillis();
        }
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            return "SET QUERY_TIMEOUT " + timeout.toMillis();
        }
        return null;
    }
}
