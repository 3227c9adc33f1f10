package shop.defaults;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** How a failure of the database is told apart: unavailable for now, and whether a write may have been done. */
class DatabaseTest {

    @Test
    void takesALostConnectionForUnavailableWithItsWriteMaybeDone() {
        Throwable lost = new CompletionException(ClosedConnectionException.INSTANCE);
        assertThat(Database.isUnavailable(lost)).isTrue();
        assertThat(Database.mayHaveCommitted(lost)).isTrue();
    }

    @Test
    void takesWhatNeverReachedTheDatabaseForUnavailableWithNothingDone() {
        for (Throwable failure : new Throwable[] {
            new ConnectException("Connection refused"),
            new java.net.SocketException("Connection reset by peer"),
            // The pool's own words when no connection was free in time.
            new VertxException("Timeout", true),
            new VertxException("Timeout waiting for connection", true)
        }) {
            assertThat(Database.isUnavailable(failure)).as(failure.toString()).isTrue();
            assertThat(Database.mayHaveCommitted(failure))
                    .as(failure.toString())
                    .isFalse();
        }
    }

    @Test
    void takesAStatementTheDatabaseCancelledOrRefusedForNowForUnavailable() {
        assertThat(Database.isUnavailable(
                        new PgException("canceling statement due to statement timeout", "ERROR", "57014", null)))
                .isTrue();
        assertThat(Database.isUnavailable(
                        new PgException("the database system is shutting down", "FATAL", "57P03", null)))
                .isTrue();
        assertThat(Database.isUnavailable(new SQLException("Statement was canceled", "57014")))
                .isTrue();
        assertThat(Database.isUnavailable(new SQLException("Connection is broken", "08006")))
                .isTrue();
    }

    @Test
    void takesAnyOtherFailureForWhatItIs() {
        assertThat(Database.isUnavailable(new PgException("duplicate key", "ERROR", "23505", null)))
                .isFalse();
        assertThat(Database.isUnavailable(new SQLException("syntax error", "42601")))
                .isFalse();
        assertThat(Database.isUnavailable(new IllegalStateException("a bug"))).isFalse();
        assertThat(Database.isUnavailable(new VertxException("something else", true)))
                .isFalse();
    }
}
