package shop.defaults;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A statement (or a few, run together for each execution, all or nothing) that the requests of
 * one event loop send to the database together, as {@link BatchedWrites} do: each statement's
 * executions of a batch in one round trip, one commit for all. An execution gives one map of
 * parameters for each statement, and learns the rows the first one changed.
 */
public final class BatchedStatement {

    private final int statementCount;
    private final BatchedWrites<List<Map<String, Object>>> writes;

    /** {@code templates}: the statements of an execution, run in this order in one transaction. */
    public BatchedStatement(Pool pool, String... templates) {
        List<Database.Statement> statements = Stream.of(templates)
                .map(template -> Database.Statement.of(pool, template))
                .toList();
        this.statementCount = statements.size();
        this.writes = new BatchedWrites<>(pool, new Together(statements));
    }

    /**
     * Runs the statements, one map of {@code parameters} each, alone or in a batch; the rows the
     * first one changed.
     */
    @SafeVarargs
    public final Future<Integer> execute(Map<String, Object>... parameters) {
        if (parameters.length != statementCount) {
            throw new IllegalArgumentException(
                    statementCount + " statements take as many maps of parameters, not " + parameters.length);
        }
        return writes.execute(List.of(parameters));
    }

    /** How many round trips this statement has made: fewer than its executions under load. */
    public long batches() {
        return writes.batches();
    }

    /** Every statement once for each execution, a statement's executions in one batch. */
    private record Together(List<Database.Statement> statements)
            implements BatchedWrites.Statements<List<Map<String, Object>>> {

        @Override
        public Future<List<Integer>> run(SqlConnection connection, List<List<Map<String, Object>>> executions) {
            List<Future<RowSet<Row>>> results = new ArrayList<>(statements.size());
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
            return Future.all(results)
                    .map(all -> Database.rowCounts(results.getFirst().result()));
        }

        /** A single statement alone needs no transaction of its own. */
        @Override
        public Future<Integer> runAlone(Pool pool, List<Map<String, Object>> parameters) {
            if (statements.size() == 1) {
                return statements
                        .getFirst()
                        .execute(pool, parameters.getFirst())
                        .map(SqlResult::rowCount);
            }
            return BatchedWrites.Statements.super.runAlone(pool, parameters);
        }
    }
}
