package dev.modaweave.datasets.internal;

import java.util.function.LongSupplier;

/**
 * Spaces calls at least {@code 1/permitsPerSecond} apart. Time and waiting are injected so that
 * tests can move a fake clock instead of sleeping.
 */
public final class RateLimiter {

    /** Waits for a number of nanoseconds. */
    public interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    private final long intervalNanos;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private long next = Long.MIN_VALUE;

    public RateLimiter(double permitsPerSecond, LongSupplier nanoClock, Sleeper sleeper) {
        if (!(permitsPerSecond > 0)) {
            throw new IllegalArgumentException("rate " + permitsPerSecond + " requests/s is invalid; use a positive number");
        }
        this.intervalNanos = (long) (1e9 / permitsPerSecond);
        this.clock = nanoClock;
        this.sleeper = sleeper;
    }

    /** A limiter on the system clock. */
    public static RateLimiter perSecond(double permitsPerSecond) {
        return new RateLimiter(permitsPerSecond, System::nanoTime, nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
    }

    /** Blocks until the next call may start. */
    public synchronized void acquire() {
        long now = clock.getAsLong();
        if (next != Long.MIN_VALUE && now < next) {
            try {
                sleeper.sleepNanos(next - now);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the rate limit", e);
            }
            now = next;
        }
        next = now + intervalNanos;
    }
}
