package shop.defaults;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes of one kind that the requests of one event loop send to the database together. While a
 * batch is on its way, the writes that come meanwhile wait for it and then go as the next batch:
 * one transaction, one round trip or a few, and one commit for all of them (a commit's flush to
 * disk was a fifth of the database's CPU per order). A write that finds nothing on its way goes at
 * once, so a quiet service waits for nothing. Each caller learns its own row count once its batch
 * has committed: nothing is answered before it is durable. A batch refused for one write's sake
 * (an integrity violation, which rolls the whole batch back) is run again one write at a time, in
 * the order they came, so that only that one fails; any other failure fails the batch's every
 * write. On H2 (the JDBC client answers a batch with the sum of its row counts, not one count
 * each) every write goes alone. Each caller goes on in its own context (a request's duplicated
 * context, which holds its trace), not in that of the write whose batch it rode in.
 *
 * @param <W> what one write is made of: its statements' parameters
 */
public final class BatchedWrites<W> {

    /** A bound on one batch, so that one round trip stays short. */
    static final int MAX_BATCH = 64;

    private static final String INTEGRITY_VIOLATION_CLASS = "23";

    /** How writes of this kind are carried out. */
    public interface Statements<W> {

        /**
         * Carries out {@code writes} on {@code connection}, in the transaction it is in, and gives
         * one row count for each, in their order. Statements that lock rows several writes share
         * lock them in one order (by key, say), so that two batches never wait for each other's.
         */
        Future<List<Integer>> run(SqlConnection connection, List<W> writes);

        /** One write, as it goes when it goes alone: by default {@link #run} in a transaction of its own. */
        default Future<Integer> runAlone(Pool pool, W write) {
            return Database.inTransaction(pool, connection -> run(connection, List.of(write)))
                    .map(List::getFirst);
        }
    }

    private final Pool pool;
    private final Statements<W> statements;
    private final boolean batching;
    /** This kind's queue in each event loop's context data (a context runs on one thread). */
    private final Object queueKey = new Object();

    private final AtomicLong batches = new AtomicLong();

    private record Write<W>(W parameters, CompletableFuture<Integer> rowCount) {}

    private static final class Queue<W> {
        boolean sending;
        final ArrayDeque<Write<W>> waiting = new ArrayDeque<>();
    }

    public BatchedWrites(Pool pool, Statements<W> statements) {
        this.pool = pool;
        this.statements = statements;
        this.batching = Database.countsEachOfABatch(pool);
    }

    /** Carries out one write, alone or in a batch; its row count, once committed. */
    public Future<Integer> execute(W write) {
        Context context = Vertx.currentContext();
        if (!batching || context == null || !context.isEventLoopContext()) {
            return statements.runAlone(pool, write);
        }
        Queue<W> queue = context.get(queueKey);
        if (queue == null) {
            queue = new Queue<>();
            context.put(queueKey, queue);
        }
        Write<W> queued = new Write<>(write, new CompletableFuture<>());
        // Completed wherever the batch ends, each write calls back on its own caller's context.
        Future<Integer> rowCount = Future.fromCompletionStage(queued.rowCount(), context);
        queue.waiting.add(queued);
        if (!queue.sending) {
            send(queue);
        }
        return rowCount;
    }

    /** How many round trips these writes have made: fewer than the writes under load. */
    public long batches() {
        return batches.get();
    }

    private void send(Queue<W> queue) {
        List<Write<W>> batch = new ArrayList<>(Math.min(queue.waiting.size(), MAX_BATCH));
        while (!queue.waiting.isEmpty() && batch.size() < MAX_BATCH) {
            batch.add(queue.waiting.poll());
        }
        queue.sending = true;
        batches.incrementAndGet();
        Future<Void> sent;
        try {
            sent = run(batch);
        } catch (RuntimeException e) {
            // A value the statements cannot take: that batch fails, the queue goes on.
            batch.forEach(write -> write.rowCount().completeExceptionally(e));
            sent = Future.succeededFuture();
        }
        sent.onComplete(done -> {
            if (queue.waiting.isEmpty()) {
                queue.sending = false;
            } else {
                send(queue);
            }
        });
    }

    private Future<Void> run(List<Write<W>> batch) {
        if (batch.size() == 1) {
            return settleAlone(batch.getFirst());
        }
        // In a transaction of its own: all or nothing on either database, so that a batch run again
        // one by one runs nothing twice.
        List<W> writes = batch.stream().map(Write::parameters).toList();
        return Database.inTransaction(pool, connection -> statements.run(connection, writes))
                .transform(done -> {
                    if (done.succeeded()) {
                        List<Integer> counts = done.result();
                        for (int i = 0; i < batch.size(); i++) {
                            if (i < counts.size()) {
                                batch.get(i).rowCount().complete(counts.get(i));
                            } else {
                                batch.get(i)
                                        .rowCount()
                                        .completeExceptionally(new IllegalStateException(
                                                "A batch answered for fewer writes than it ran"));
                            }
                        }
                        return Future.succeededFuture();
                    }
                    String state = Database.sqlState(done.cause());
                    if (state != null && state.startsWith(INTEGRITY_VIOLATION_CLASS)) {
                        // One after the other, in the order they came: of two writes that claim
                        // the same key, or the last units of something, the first wins, as it
                        // would have alone.
                        Future<Void> rerun = Future.succeededFuture();
                        for (Write<W> write : batch) {
                            rerun = rerun.compose(previous -> settleAlone(write));
                        }
                        return rerun;
                    }
                    batch.forEach(write -> write.rowCount().completeExceptionally(done.cause()));
                    return Future.succeededFuture();
                });
    }

    private Future<Void> settleAlone(Write<W> write) {
        return statements
                .runAlone(pool, write.parameters())
                .onComplete(done -> {
                    if (done.succeeded()) {
                        write.rowCount().complete(done.result());
                    } else {
                        write.rowCount().completeExceptionally(done.cause());
                    }
                })
                .<Void>mapEmpty()
                .otherwiseEmpty();
    }
}
