package shop.defaults;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.impl.SocketConnectionBase;
import io.vertx.sqlclient.internal.SqlConnectionInternal;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every PostgreSQL connection of a service's pool carries its deadline, TCP keepalive and, on
 * Linux's native transport, the user timeout: checked on a real connection to the tests' server.
 */
class ConnectionDeadlineIntegrationTest {

    @Test
    void givesEveryPostgresConnectionItsDeadlineKeepaliveAndUserTimeout() throws Exception {
        Settings settings = Settings.of(Map.of(
                "SHOP_DB_URL",
                Objects.requireNonNullElse(
                        System.getenv("SHOP_TEST_POSTGRES_URL"), "jdbc:postgresql://127.0.0.1:5432/postgres"),
                "SHOP_DB_USER",
                Objects.requireNonNullElse(System.getenv("SHOP_TEST_POSTGRES_USER"), "postgres"),
                "SHOP_DB_PASSWORD",
                Objects.requireNonNullElse(System.getenv("SHOP_TEST_POSTGRES_PASSWORD"), ""),
                "SHOP_DB_POOL_SIZE",
                "2"));
        ServiceRuntime runtime = ServiceRuntime.start("deadline-test", settings);
        try {
            assertThat(runtime.vertx().isNativeTransportEnabled())
                    .as("Linux's native transport")
                    .isTrue();
            DatabaseSettings database = DatabaseSettings.from(settings, "postgres");
            Pool pool = Database.pool(runtime, database);
            SqlConnection connection = pool.getConnection()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            Channel channel = ((SocketConnectionBase)
                            ((SqlConnectionInternal) connection).unwrap().unwrap())
                    .socket()
                    .channelHandlerContext()
                    .channel();
            assertThat(channel.pipeline().get("shop-deadline")).isInstanceOf(ConnectionDeadline.class);
            assertThat(channel.config().getOption(ChannelOption.SO_KEEPALIVE)).isTrue();
            assertThat(channel.config().getOption(EpollChannelOption.TCP_USER_TIMEOUT))
                    .isEqualTo((int) database.deadline().toMillis());
            connection.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } finally {
            runtime.vertx().close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
