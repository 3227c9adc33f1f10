package shop.defaults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

class StatementTimeoutsTest {

    private final StatementTimeouts timeouts = new StatementTimeouts(Duration.ofSeconds(5));

    @Test
    void setsTheTimeoutInEachDatabasesOwnDialect() {
        assertThat(pool("jdbc:postgresql://db:5432/shop_orders").getConnectionInitSql())
            .isEqualTo("SET statement_timeout = 5000");
        assertThat(pool("jdbc:h2:file:./data/orders;MODE=PostgreSQL").getConnectionInitSql())
            .isEqualTo("SET QUERY_TIMEOUT 5000");
    }

    @Test
    void leavesAnInitStatementSomeoneConfiguredAlone() {
        var pool = new HikariDataSource();
        pool.setJdbcUrl("jdbc:postgresql://db:5432/shop_orders");
        pool.setConnectionInitSql("SET statement_timeout = 1000");
        timeouts.postProcessAfterInitialization(pool, "dataSource");
        assertThat(pool.getConnectionInitSql()).isEqualTo("SET statement_timeout = 1000");
    }

    @Test
    void refusesADatabaseItHasNoTimeoutFor() {
        assertThatIllegalStateException().isThrownBy(() -> pool("jdbc:mysql://db:3306/shop"))
            .withMessageContaining("mysql");
    }

    private HikariDataSource pool(String url) {
        var pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        return (HikariDataSource) timeouts.postProcessAfterInitialization(pool, "dataSource");
    }
}
