package shop.gateway.limits;

import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import shop.gateway.GatewayProblem;
import shop.gateway.GatewayProblems;

/**
 * Key guessing throttled: each client address may fail authentication {@code perMinute} times in a
 * burst, then once every {@code 60 / perMinute} seconds. A client past that is answered 429 with
 * {@code Retry-After} before any key of its is looked at, good or bad, until its allowance
 * refills. Counted per client address (see {@link ClientAddresses}), in bounded memory.
 */
public final class FailedAuthentications {

    static final int MAX_ADDRESSES = 20_000;

    private final int perMinute;
    private final ClientAddresses addresses;
    private final Buckets buckets;

    FailedAuthentications(int perMinute, ClientAddresses addresses) {
        this.perMinute = perMinute;
        this.addresses = addresses;
        this.buckets = new Buckets(Math.max(perMinute, 1), Math.max(perMinute, 1) / 60.0, MAX_ADDRESSES);
    }

    /** {@code perMinute} failures a minute per client address (0: no limit), forgotten once refilled. */
    public static FailedAuthentications start(Vertx vertx, int perMinute, ClientAddresses addresses) {
        FailedAuthentications limit = new FailedAuthentications(perMinute, addresses);
        if (perMinute > 0) {
            vertx.setPeriodic(10_000, id -> limit.buckets.forgetFull(System.nanoTime()));
        }
        return limit;
    }

    /** The handler before authentication: 429 for a client that has failed too often, next otherwise. */
    public void check(RoutingContext context) {
        if (perMinute == 0) {
            context.next();
            return;
        }
        long waitNanos = buckets.waitFor(addresses.of(context), System.nanoTime());
        if (waitNanos == 0) {
            context.next();
        } else {
            long seconds = Math.max(1, (waitNanos + Buckets.SECOND - 1) / Buckets.SECOND);
            GatewayProblems.fail(context, new GatewayProblem.TooManyFailedAuthentications(seconds));
        }
    }

    /** Counts a failed authentication against the request's client. */
    public void failed(RoutingContext context) {
        if (perMinute > 0) {
            buckets.take(addresses.of(context), System.nanoTime());
        }
    }
}
