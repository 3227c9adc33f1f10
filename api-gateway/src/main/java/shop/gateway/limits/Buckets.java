package shop.gateway.limits;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket per key (a caller, a client address), in bounded memory. A bucket that has
 * filled up again is the same as a new one, so it is forgotten: the table holds only keys seen in
 * the last few seconds ({@link #forgetFull}, run periodically and whenever the table is full). When
 * even that leaves no room — more than {@code maxKeys} distinct keys busy at once, as from a flood
 * of addresses or identities — newcomers share one overflow bucket: they are limited together
 * instead of growing the table, and keys already known keep their own.
 */
final class Buckets {

    static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long SWEEP_AT_MOST_EVERY = TimeUnit.MILLISECONDS.toNanos(100);

    private final double capacity;
    private final double perSecond;
    private final int maxKeys;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Bucket overflow;
    private final AtomicLong lastSweep = new AtomicLong(System.nanoTime() - SWEEP_AT_MOST_EVERY);

    /** Buckets of {@code capacity} tokens, refilled at {@code perSecond}; at most {@code maxKeys} of them. */
    Buckets(double capacity, double perSecond, int maxKeys) {
        this.capacity = capacity;
        this.perSecond = perSecond;
        this.maxKeys = maxKeys;
        this.overflow = new Bucket(capacity, perSecond, System.nanoTime());
    }

    /** Takes a token of {@code key}'s bucket: 0 when there was one, otherwise nanoseconds until there will be. */
    long take(String key, long now) {
        return bucketOf(key, now).take(now);
    }

    /** Whether {@code key}'s bucket has a token left, without taking it (an unknown key has: its bucket is full). */
    boolean hasToken(String key, long now) {
        Bucket bucket = buckets.get(key);
        return bucket == null ? buckets.size() < maxKeys || overflow.hasToken(now) : bucket.hasToken(now);
    }

    /** Nanoseconds until {@code key}'s bucket has a token again (0 when it has one). */
    long waitFor(String key, long now) {
        Bucket bucket = buckets.get(key);
        return bucket == null ? (buckets.size() < maxKeys ? 0 : overflow.waitFor(now)) : bucket.waitFor(now);
    }

    int size() {
        return buckets.size();
    }

    /** Forgets every bucket that has filled up again. */
    void forgetFull(long now) {
        lastSweep.set(now);
        buckets.values().removeIf(bucket -> bucket.fullAt(now));
    }

    private Bucket bucketOf(String key, long now) {
        Bucket bucket = buckets.get(key);
        if (bucket != null) {
            return bucket;
        }
        if (buckets.size() >= maxKeys) {
            long swept = lastSweep.get();
            if (now - swept >= SWEEP_AT_MOST_EVERY && lastSweep.compareAndSet(swept, now)) {
                forgetFull(now);
            }
            if (buckets.size() >= maxKeys) {
                return overflow;
            }
        }
        return buckets.computeIfAbsent(key, k -> new Bucket(capacity, perSecond, now));
    }

    /** Refills {@code perSecond} tokens a second, greedily, up to {@code capacity}. */
    static final class Bucket {

        private final double capacity;
        private final double tokensPerNano;
        private double tokens;
        private long refilledAt;

        Bucket(double capacity, double perSecond, long now) {
            this.capacity = capacity;
            this.tokensPerNano = perSecond / SECOND;
            this.tokens = capacity;
            this.refilledAt = now;
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

        synchronized boolean hasToken(long now) {
            refill(now);
            return tokens >= 1;
        }

        synchronized long waitFor(long now) {
            refill(now);
            return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / tokensPerNano);
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
