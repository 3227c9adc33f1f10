package shop.gateway.limits;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import shop.defaults.Caller;
import shop.gateway.GatewayProblem;
import shop.gateway.GatewayProblems;
import shop.gateway.auth.Authentication;

/**
 * A token bucket per caller (per client address for the public catalog): {@code rate} requests a
 * second, bursts up to twice that. Past it: 429 with {@code Retry-After}. Runs after
 * authentication, so that a caller is an identity, not whatever a client claims.
 */
public final class RateLimit implements Handler<RoutingContext> {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final int perSecond;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    private RateLimit(int perSecond) {
        this.perSecond = perSecond;
    }

    /**
     * The limit, and a sweep once a minute of the buckets that are full again, so that the map
     * holds the callers of the last minute only (anonymous callers are addresses, without bound).
     */
    public static RateLimit start(Vertx vertx, int perSecond) {
        RateLimit limit = new RateLimit(perSecond);
        if (perSecond > 0) {
            vertx.setPeriodic(60_000, id -> limit.forgetIdleCallers(System.nanoTime()));
        }
        return limit;
    }

    @Override
    public void handle(RoutingContext context) {
        if (perSecond == 0) {
            context.next();
            return;
        }
        long waitNanos = buckets.computeIfAbsent(callerOf(context), caller -> new Bucket(perSecond))
                .take(System.nanoTime());
        if (waitNanos == 0) {
            context.next();
        } else {
            long seconds = Math.max(1, (waitNanos + SECOND - 1) / SECOND);
            GatewayProblems.fail(context, new GatewayProblem.RateLimited(perSecond, seconds));
        }
    }

    void forgetIdleCallers(long now) {
        buckets.values().removeIf(bucket -> bucket.fullAt(now));
    }

    private static String callerOf(RoutingContext context) {
        Caller caller = Authentication.caller(context);
        return caller != null
                ? "caller:" + caller.role() + "/" + caller.customer()
                : "address:" + context.request().remoteAddress().hostAddress();
    }

    /** Refills {@code rate} tokens a second, greedily, up to twice the rate. */
    static final class Bucket {

        private final double capacity;
        private final double tokensPerNano;
        private double tokens;
        private long refilledAt;

        Bucket(int perSecond) {
            this.capacity = 2.0 * perSecond;
            this.tokensPerNano = (double) perSecond / SECOND;
            this.tokens = capacity;
            this.refilledAt = System.nanoTime();
        }

        /** Takes a token: 0 when there was one, otherwise how long until there will be. */
        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / tokensPerNano);
        }

        synchronized boolean fullAt(long now) {
            refill(now);
            return tokens >= capacity;
        }

        private void refill(long now) {
            if (now > refilledAt) {
                tokens = Math.min(capacity, tokens + (now - refilledAt) * tokensPerNano);
                refilledAt = now;
            }
        }
    }
}
