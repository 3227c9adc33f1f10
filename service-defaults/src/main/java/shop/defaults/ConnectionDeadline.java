package shop.defaults;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.epoll.EpollChannelOption;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.impl.SocketConnectionBase;
import io.vertx.sqlclient.internal.Connection;
import io.vertx.sqlclient.internal.SqlConnectionInternal;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client's deadline on a PostgreSQL connection: while the connection owes an answer, and
 * nothing has been read on it for {@code deadline}, it is closed, and with it fails every operation
 * that waits on it (a statement, a batch, a transaction's next step); the pool drops it and opens
 * another when one is needed. So a half-open connection (the database moved, a NAT or conntrack
 * entry dropped, a frozen host: no reset will ever come) is thrown away within the deadline
 * instead of holding its requests, and every request queued behind them, for as long as the kernel
 * keeps it. An idle connection owes nothing and is kept, however long it is idle: closing those too
 * (a plain read timeout) made the pool open connections all the time, a seventh more CPU per order.
 * TCP keepalive is on too, so that the kernel finds a dead peer under an idle connection, and
 * with Linux's native transport {@code TCP_USER_TIMEOUT}, so that it gives up a connection whose
 * data has gone unacknowledged for the deadline.
 *
 * <p>What is owed is counted from the protocol's own framing: every {@code Sync} and simple
 * {@code Query} the client sends is answered by exactly one {@code ReadyForQuery}, whatever else
 * comes (rows, errors, notices). The counts are read off the bytes as they pass, unchanged.
 *
 * <p>Set on each new connection through the SQL client's internal view of it (its Netty channel):
 * the PostgreSQL driver of Vert.x 5.0.7 does not apply a pool's transport options ({@code
 * ClientBuilder.with(NetClientOptions)}), where keepalive would otherwise go, and has no deadline of
 * its own.
 */
final class ConnectionDeadline extends ChannelDuplexHandler {

    private static final byte SYNC = 'S';
    private static final byte QUERY = 'Q';
    private static final byte READY_FOR_QUERY = 'Z';

    private final long deadlineNanos;
    private final MessageCounter sent = new MessageCounter(SYNC, QUERY);
    private final MessageCounter received = new MessageCounter(READY_FOR_QUERY);
    /** When the connection last made progress: an answer's bytes read, or its first question since it was idle. */
    private long progressNanos = System.nanoTime();

    private ScheduledFuture<?> check;

    ConnectionDeadline(Duration deadline) {
        this.deadlineNanos = deadline.toNanos();
    }

    static void apply(SqlConnection connection, Duration deadline) {
        Connection physical = ((SqlConnectionInternal) connection).unwrap().unwrap();
        if (!(physical instanceof SocketConnectionBase socket)) {
            throw new IllegalStateException("A PostgreSQL connection without a socket: " + physical.getClass());
        }
        Channel channel = socket.socket().channelHandlerContext().channel();
        channel.config().setOption(ChannelOption.SO_KEEPALIVE, true);
        // What was sent and not acknowledged for the deadline gives the connection up in the kernel too
        // (Linux's native transport only: elsewhere the option is not taken, and the deadline below remains).
        channel.config().setOption(EpollChannelOption.TCP_USER_TIMEOUT, (int) deadline.toMillis());
        // Next to the socket, or behind TLS where the connection has it: the protocol's bytes in clear.
        ConnectionDeadline handler = new ConnectionDeadline(deadline);
        if (channel.pipeline().get("ssl") != null) {
            channel.pipeline().addAfter("ssl", "shop-deadline", handler);
        } else {
            channel.pipeline().addFirst("shop-deadline", handler);
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        long period = Math.max(deadlineNanos / 8, TimeUnit.MILLISECONDS.toNanos(50));
        check = context.executor()
                .scheduleAtFixedRate(() -> closeIfOverdue(context), period, period, TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext context) {
        if (check != null) {
            check.cancel(false);
        }
    }

    @Override
    public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) throws Exception {
        if (message instanceof ByteBuf bytes) {
            boolean wasIdle = owed() == 0;
            sent.count(bytes);
            if (wasIdle && owed() > 0) {
                progressNanos = System.nanoTime();
            }
        }
        super.write(context, message, promise);
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) throws Exception {
        if (message instanceof ByteBuf bytes) {
            received.count(bytes);
            progressNanos = System.nanoTime();
        }
        super.channelRead(context, message);
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        handlerRemoved(context);
        super.channelInactive(context);
    }

    private long owed() {
        return sent.counted() - received.counted();
    }

    private void closeIfOverdue(ChannelHandlerContext context) {
        if (owed() > 0 && System.nanoTime() - progressNanos > deadlineNanos) {
            context.close();
        }
    }

    /**
     * Counts the protocol messages of some types in a stream of bytes cut anywhere: each message is
     * a type byte and a 32-bit length that counts itself and the body.
     */
    private static final class MessageCounter {

        private final byte[] types;
        private long counted;
        /** How many bytes of the current message's header (type and length) have been seen. */
        private int header;

        private int length;
        /** The bytes of the current message's body still to pass. */
        private long rest;

        MessageCounter(byte... types) {
            this.types = types;
        }

        long counted() {
            return counted;
        }

        void count(ByteBuf bytes) {
            int index = bytes.readerIndex();
            int end = bytes.writerIndex();
            while (index < end) {
                if (rest > 0) {
                    int skipped = (int) Math.min(rest, end - index);
                    rest -= skipped;
                    index += skipped;
                    continue;
                }
                byte next = bytes.getByte(index++);
                if (header == 0) {
                    if (isCounted(next)) {
                        counted++;
                    }
                    length = 0;
                } else {
                    length = (length << 8) | (next & 0xff);
                }
                if (++header == 5) {
                    header = 0;
                    rest = Math.max(0, length - 4);
                }
            }
        }

        private boolean isCounted(byte type) {
            for (byte counted : types) {
                if (counted == type) {
                    return true;
                }
            }
            return false;
        }
    }
}
