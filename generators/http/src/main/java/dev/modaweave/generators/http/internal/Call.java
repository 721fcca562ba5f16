package dev.modaweave.generators.http.internal;

import dev.modaweave.tools.Cancellation;
import dev.modaweave.tools.ToolCancelledException;
import dev.modaweave.tools.ToolTimeoutException;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One generation as the shared client sees it: its cancellation (which aborts every request in
 * flight at once), its overall deadline, and a pause between polls that cancellation cuts short.
 */
public final class Call {

    private final Cancellation cancellation;
    private final String description;
    private final Duration limit;
    private final long deadline;
    private final CountDownLatch cancelled = new CountDownLatch(1);
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();

    Call(Cancellation cancellation, String description, Duration limit) {
        this.cancellation = cancellation;
        this.description = description;
        this.limit = limit;
        this.deadline = System.nanoTime() + limit.toNanos();
        cancellation.onCancel(() -> {
            cancelled.countDown();
            inFlight.forEach(f -> f.cancel(true));
        });
    }

    /** The caller's cancellation signal. */
    public Cancellation cancellation() {
        return cancellation;
    }

    public boolean isCancelled() {
        return cancellation.isCancelled();
    }

    /** @throws ToolCancelledException if cancelled */
    public void throwIfCancelled() {
        cancellation.throwIfCancelled();
    }

    /** @throws ToolTimeoutException once the generation's time limit has passed */
    public void checkDeadline() {
        if (remainingNanos() <= 0) {
            throw timedOut();
        }
    }

    long remainingNanos() {
        return deadline - System.nanoTime();
    }

    Duration remainingTimeout() {
        return Duration.ofNanos(Math.max(1, remainingNanos()));
    }

    ToolTimeoutException timedOut() {
        return new ToolTimeoutException(description + " did not finish within generationTimeout " + limit
                + "; raise generationTimeout if the backend is slow");
    }

    /** Waits {@code interval}, or less when cancelled or the deadline comes first. */
    public void pause(Duration interval) {
        throwIfCancelled();
        checkDeadline();
        long wait = Math.min(interval.toNanos(), Math.max(0, remainingNanos()));
        try {
            cancelled.await(wait, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolCancelledException(description + " was interrupted while waiting for the backend");
        }
        throwIfCancelled();
        checkDeadline();
    }

    void track(CompletableFuture<?> future) {
        inFlight.add(future);
        if (cancellation.isCancelled()) {
            future.cancel(true);
        }
    }

    void untrack(CompletableFuture<?> future) {
        inFlight.remove(future);
    }
}
