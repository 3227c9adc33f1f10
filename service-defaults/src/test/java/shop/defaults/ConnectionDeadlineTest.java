package shop.defaults;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The deadline on a PostgreSQL connection, on the protocol's bytes: a connection that owes an
 * answer past the deadline is closed; one that owes nothing is kept however long it is quiet.
 */
class ConnectionDeadlineTest {

    private static final Duration DEADLINE = Duration.ofMillis(50);

    @Test
    void keepsAConnectionThatOwesNothingHoweverLongItIsQuiet() throws Exception {
        EmbeddedChannel connection = new EmbeddedChannel(new ConnectionDeadline(DEADLINE));
        connection.writeOutbound(query());
        ByteBuf answer = answer();
        // The answer cut in two, inside its ReadyForQuery: it is counted once it is all there.
        connection.writeInbound(answer.readRetainedSlice(answer.readableBytes() - 3), answer);
        Thread.sleep(4 * DEADLINE.toMillis());
        connection.runScheduledPendingTasks();
        assertThat(connection.isOpen()).as("answered, then idle").isTrue();
    }

    @Test
    void closesAConnectionThatOwesAnAnswerPastTheDeadline() throws Exception {
        EmbeddedChannel connection = new EmbeddedChannel(new ConnectionDeadline(DEADLINE));
        // Two pipelined queries, one answered.
        connection.writeOutbound(query(), query());
        connection.writeInbound(answer());
        connection.runScheduledPendingTasks();
        assertThat(connection.isOpen()).as("within the deadline").isTrue();
        Thread.sleep(4 * DEADLINE.toMillis());
        connection.runScheduledPendingTasks();
        assertThat(connection.isOpen()).as("one answer owed past the deadline").isFalse();
    }

    @Test
    void countsTheAnswersOfSimpleQueriesToo() throws Exception {
        EmbeddedChannel connection = new EmbeddedChannel(new ConnectionDeadline(DEADLINE));
        connection.writeOutbound(message('Q', "SELECT 1\0"));
        connection.writeInbound(answer());
        Thread.sleep(4 * DEADLINE.toMillis());
        connection.runScheduledPendingTasks();
        assertThat(connection.isOpen()).isTrue();
    }

    /** Parse, Bind, Execute, Sync: the extended protocol's one statement, as the client writes it. */
    private static ByteBuf query() {
        return Unpooled.wrappedBuffer(
                message('P', "\0SELECT 1\0\0\0"),
                message('B', "\0\0\0\0\0\0\0\0"),
                message('E', "\0\0\0\0\0"),
                message('S', ""));
    }

    /** ParseComplete, BindComplete, a row, CommandComplete, a notice, ReadyForQuery. */
    private static ByteBuf answer() {
        return Unpooled.wrappedBuffer(
                message('1', ""),
                message('2', ""),
                message('D', "\0\1\0\0\0\0011"),
                message('C', "SELECT 1\0"),
                message('N', "SZ\0\0"),
                message('Z', "I"));
    }

    private static ByteBuf message(char type, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
        return Unpooled.buffer().writeByte(type).writeInt(4 + bytes.length).writeBytes(bytes);
    }
}
