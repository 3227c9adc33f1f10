package shop.defaults;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import javax.sql.DataSource;

/**
 * Puts a JDBC connection back in auto-commit mode when a transaction ends. vertx-jdbc-client
 * 5.0.7 (and 5.0.8) sets auto-commit to false again right after COMMIT and ROLLBACK, so a pooled
 * connection that once ran a transaction would keep every later statement in an open, uncommitted
 * transaction, invisible to other connections and lost on a crash. The embedded (H2) database
 * goes through this; PostgreSQL uses the reactive client, which has no such step.
 */
final class AutoCommitAfterTransactions {

    private AutoCommitAfterTransactions() {}

    static DataSource wrap(DataSource dataSource) {
        return (DataSource) Proxy.newProxyInstance(
                DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Object result = invoke(dataSource, method, args);
                    return result instanceof Connection connection ? connection(connection) : result;
                });
    }

    private static Connection connection(Connection connection) {
        InvocationHandler handler = new InvocationHandler() {
            private boolean transactionJustEnded;

            @Override
            public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
                boolean ends =
                        method.getName().equals("commit") || method.getName().equals("rollback");
                if (method.getName().equals("setAutoCommit") && Boolean.FALSE.equals(args[0]) && transactionJustEnded) {
                    transactionJustEnded = false;
                    connection.setAutoCommit(true);
                    return null;
                }
                Object result = AutoCommitAfterTransactions.invoke(connection, method, args);
                transactionJustEnded = ends && (args == null || args.length == 0);
                return result;
            }
        };
        return (Connection)
                Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, handler);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
