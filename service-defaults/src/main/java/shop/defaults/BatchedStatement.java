package shop.defaults;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A statement (or a few, run together for each execution, all or nothing) that the requests of
 * one event loop send to the database together. While a batch
 * is on its way, the executions that come meanwhile wait for it and then go as the next batch: one
 * round trip and one commit for all of them (a commit's flush to disk was a fifth
 * of the database's CPU per order). An execution that finds nothing on its way goes at once, so a
 * quiet service waits for nothing. Each caller learns its own row count once its batch has
 * committed: nothing is answered before it is durable. A batch refused for one execution's sake
 * (an integrity violation, which rolls the whole batch back) is run again one execution at a time,
 * in the order they came, so that only that one fails; any other failure fails the batch's every execution. On H2 (the
 * JDBC client answers a batch with the sum of its row counts, not one count each) every
 * execution goes alone. Each caller goes on in its own context (a request's duplicated context, which
 * holds its trace), not in that of the execution whose batch it rode in.
 */
public final class BatchedStatement {

    /** A bound on one batch, so that one round trip stays short. */
    static final int MAX_BATCH = 64;

    private static final String INTEGRITY_VIOLATION_CLASS = "23";

    private final Pool pool;
    private final List<Database.Statement> statements;
    private final boolean batching;
    /** This statement's queue in each event loop's context data (a context runs on one thread). */
    private final Object queueKey = new Object();

    private final AtomicLong batches = new AtomicLong();

    /**
     * One map of parameters for each statement; the row count is the first statement's, completed
     * wherever the batch ends (its caller hears of it on its own context).
     */
    private record Execution(List<Map<String, Object>> parameters, CompletableFuture<Integer> rowCount) {}

    private static final class Queue {
        boolean sending;
        final ArrayDeque<Execution> waiting = new ArrayDeque<>();
    }

    /** {@code templates}: the statements of an execution, run in this order in one transaction. */
    public BatchedStatement(Pool pool, String... templates) {
        this.pool = pool;
        this.statements = Stream.of(templates)
                .map(template -> Database.Statement.of(pool, template))
                .toList();
        this.batching = Database.countsEachOfABatch(pool);
    }

    /**
     * Runs the statements, one map of {@code parameters} each, alone or in a batch; the rows the
     * first one changed.
     */
    @SafeVarargs
    public final Future<Integer> execute(Map<String, Object>... parameters) {
        if (parameters.length != statements.size()) {
            throw new IllegalArgumentException(
                    statements.size() + " statements take as many maps of parameters, not " + parameters.length);
        }
        Context context = Vertx.currentContext();
        if (!batching || context == null || !context.isEventLoopContext()) {
            return runAlone(List.of(parameters));
        }
        Queue queue = context.get(queueKey);
        if (queue == null) {
            queue = new Queue();
            context.put(queueKey, queue);
        }
        Execution execution = new Execution(List.of(parameters), new CompletableFuture<>());
        // Completed wherever the batch ends, each execution calls back on its own caller's context.
        Future<Integer> rowCount = Future.fromCompletionStage(execution.rowCount(), context);
        queue.waiting.add(execution);
        if (!queue.sending) {
            send(queue);
        }
        return rowCount;
    }

    /** How many round trips this statement has made: fewer than its executions under load. */
    public long batches() {
        return batches.get();
    }

    private void send(Queue queue) {
        List<Execution> batch = new ArrayList<>(Math.min(queue.waiting.size(), MAX_BATCH));
        while (!queue.waiting.isEmpty() && batch.size() < MAX_BATCH) {
            batch.add(queue.waiting.poll());
        }
        queue.sending = true;
        batches.incrementAndGet();
        Future<Void> sent;
        try {
            sent = run(batch);
        } catch (RuntimeException e) {
            // A value the statement cannot take: that batch fails, the queue goes on.
            batch.forEach(execution -> execution.rowCount().completeExceptionally(e));
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

    private Future<Void> run(List<Execution> batch) {
        if (batch.size() == 1) {
            return settleAlone(batch.getFirst());
        }
        // In a transaction of its own: all or nothing on either database, so that a batch run again
        // one by one runs nothing twice.
        return together(batch.stream().map(Execution::parameters).toList()).transform(done -> {
            if (done.succeeded()) {
                SqlResult<?> result = done.result();
                for (Execution execution : batch) {
                    if (result == null) {
                        execution
                                .rowCount()
                                .completeExceptionally(
                                        new IllegalStateException("A batch answered for fewer executions than it ran"));
                        continue;
                    }
                    execution.rowCount().complete(result.rowCount());
                    result = result.next();
                }
                return Future.succeededFuture();
            }
            String state = Database.sqlState(done.cause());
            if (state != null && state.startsWith(INTEGRITY_VIOLATION_CLASS)) {
                // One after the other, in the order they came: of two executions that
                // claim the same key, the first wins, as it would have alone.
                Future<Void> rerun = Future.succeededFuture();
                for (Execution execution : batch) {
                    rerun = rerun.compose(previous -> settleAlone(execution));
                }
                return rerun;
            }
            batch.forEach(execution -> execution.rowCount().completeExceptionally(done.cause()));
            return Future.succeededFuture();
        });
    }

    private Future<Void> settleAlone(Execution execution) {
        return runAlone(execution.parameters())
                .onComplete(done -> {
                    if (done.succeeded()) {
                        execution.rowCount().complete(done.result());
                    } else {
                        execution.rowCount().completeExceptionally(done.cause());
                    }
                })
                .<Void>mapEmpty()
                .otherwiseEmpty();
    }

    /** One execution: its one statement, or its statements in a transaction of their own. */
    private Future<Integer> runAlone(List<Map<String, Object>> parameters) {
        Future<? extends SqlResult<?>> result = statements.size() == 1
                ? statements.getFirst().execute(pool, parameters.getFirst())
                : together(List.of(parameters));
        return result.map(SqlResult::rowCount);
    }

    /**
     * Runs every statement for each execution in one transaction, a statement's executions in one
     * batch; the first statement's results, one an execution.
     */
    private Future<RowSet<Row>> together(List<List<Map<String, Object>>> executions) {
        return Database.inTransaction(pool, connection -> {
            List<Future<RowSet<Row>>> results = new ArrayList<>();
            for (int i = 0; i < statements.size(); i++) {
                int statement = i;
                results.add(statements
                        .get(i)
                        .executeBatch(
                                connection,
                                executions.stream()
                                        .map(parameters -> parameters.get(statement))
                                        .toList()));
            }
            return Future.all(results).map(all -> results.getFirst().result());
        });
    }
}
