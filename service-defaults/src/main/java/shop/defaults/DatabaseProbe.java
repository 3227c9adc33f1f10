package shop.defaults;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the service reaches its database: a trivial query through the service's own pool once a
 * second, so that what it finds is what requests find (a pool whose connections all hang is as
 * unreachable as a database that is down). Reachable while one has been answered within the last
 * {@code deadline}; readiness follows it, so a balancer stops sending requests the service cannot
 * serve, and sends them again by itself once the database answers.
 */
final class DatabaseProbe {

    private static final Logger log = LoggerFactory.getLogger(DatabaseProbe.class);

    private final long deadlineNanos;
    private volatile long answeredNanos = System.nanoTime();
    private volatile boolean reported = true;
    /** One probe at a time: a probe waiting on a hung connection is not joined by others. */
    private boolean asking;

    private DatabaseProbe(Duration deadline) {
        this.deadlineNanos = deadline.toNanos();
    }

    static DatabaseProbe start(Vertx vertx, Pool pool, Duration deadline) {
        DatabaseProbe probe = new DatabaseProbe(deadline);
        vertx.setPeriodic(1_000, tick -> probe.ask(pool));
        return probe;
    }

    boolean reachable() {
        return System.nanoTime() - answeredNanos < deadlineNanos;
    }

    private void ask(Pool pool) {
        report();
        if (asking) {
            return;
        }
        asking = true;
        pool.query("SELECT 1").execute().onComplete(done -> {
            asking = false;
            if (done.succeeded()) {
                answeredNanos = System.nanoTime();
                report();
            } else {
                log.debug("The database probe failed: {}", done.cause().toString());
            }
        });
    }

    /** One line when the database stops answering, one when it answers again. */
    private void report() {
        boolean now = reachable();
        if (now != reported) {
            reported = now;
            if (now) {
                log.info("The database answers again");
            } else {
                log.warn(
                        "The database has not answered for {} ms: not ready until it does",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - answeredNanos));
            }
        }
    }
}
