package shop.defaults;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.impl.SocketConnectionBase;
import io.vertx.sqlclient.internal.Connection;
import io.vertx.sqlclient.internal.SqlConnectionInternal;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The client's deadline on a PostgreSQL connection: once nothing has been read on it for {@code
 * deadline}, it is closed, and with it fails every operation that waits on it (a statement, a
 * batch, a transaction's next step); the pool drops it and opens another when one is needed. So a
 * half-open connection (the database moved, a NAT or conntrack entry dropped, a frozen host: no
 * reset will ever come) is thrown away within the deadline instead of holding its requests, and
 * every request queued behind them, for as long as the kernel keeps it. TCP keepalive is on too,
 * so that the kernel finds a dead peer under an idle connection.
 *
 * <p>Set on each new connection through the SQL client's internal view of it (its Netty channel):
 * the PostgreSQL driver of Vert.x 5.0.7 does not apply a pool's transport options ({@code
 * ClientBuilder.with(NetClientOptions)}), which is where a read idle timeout and keepalive would
 * otherwise go.
 */
final class ConnectionDeadline {

    private ConnectionDeadline() {}

    static void apply(SqlConnection connection, Duration deadline) {
        Connection physical = ((SqlConnectionInternal) connection).unwrap().unwrap();
        if (!(physical instanceof SocketConnectionBase socket)) {
            throw new IllegalStateException("A PostgreSQL connection without a socket: " + physical.getClass());
        }
        Channel channel = socket.socket().channelHandlerContext().channel();
        channel.config().setOption(ChannelOption.SO_KEEPALIVE, true);
        // Vert.x closes a connection on the idle event (as it does for its own idle timeouts).
        channel.pipeline()
                .addFirst("shop-read-deadline", new IdleStateHandler(deadline.toMillis(), 0, 0, TimeUnit.MILLISECONDS));
    }
}
