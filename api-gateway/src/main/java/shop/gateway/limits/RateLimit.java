package shop.gateway.limits;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import shop.defaults.Caller;
import shop.gateway.GatewayProblem;
import shop.gateway.GatewayProblems;
import shop.gateway.auth.Authentication;

/**
 * A token bucket per caller (per client address for the public catalog): {@code rate} requests a
 * second, bursts up to twice that. Past it: 429 with {@code Retry-After}. Runs after
 * authentication, so that a caller is an identity, not whatever a client claims. Its memory is
 * bounded: callers idle for two seconds are forgotten, and at most {@value #MAX_CALLERS} are
 * tracked at once (see {@link Buckets}).
 */
public final class RateLimit implements Handler<RoutingContext> {

    static final int MAX_CALLERS = 20_000;

    private final int perSecond;
    private final ClientAddresses addresses;
    private final Buckets buckets;

    RateLimit(int perSecond, ClientAddresses addresses) {
        this.perSecond = perSecond;
        this.addresses = addresses;
        this.buckets = new Buckets(2.0 * Math.max(perSecond, 1), Math.max(perSecond, 1), MAX_CALLERS);
    }

    /** The limit, and a sweep every few seconds of the callers whose buckets are full again. */
    public static RateLimit start(Vertx vertx, int perSecond, ClientAddresses addresses) {
        RateLimit limit = new RateLimit(perSecond, addresses);
        if (perSecond > 0) {
            vertx.setPeriodic(5_000, id -> limit.forgetIdleCallers(System.nanoTime()));
        }
        return limit;
    }

    @Override
    public void handle(RoutingContext context) {
        if (perSecond == 0) {
            context.next();
            return;
        }
        long waitNanos = take(callerOf(context), System.nanoTime());
        if (waitNanos == 0) {
            context.next();
        } else {
            long seconds = Math.max(1, (waitNanos + Buckets.SECOND - 1) / Buckets.SECOND);
            GatewayProblems.fail(context, new GatewayProblem.RateLimited(perSecond, seconds));
        }
    }

    long take(String caller, long now) {
        return buckets.take(caller, now);
    }

    void forgetIdleCallers(long now) {
        buckets.forgetFull(now);
    }

    int trackedCallers() {
        return buckets.size();
    }

    private String callerOf(RoutingContext context) {
        Caller caller = Authentication.caller(context);
        return caller != null
                ? "caller:" + caller.role() + "/" + caller.customer()
                : "address:" + addresses.of(context);
    }
}
