package dev.modaweave.tools;

import java.util.ArrayList;
import java.util.List;

/**
 * A cancellation signal a tool polls or listens to. The worker cancels it when the caller
 * cancels the turn or the time limit passes.
 */
public final class Cancellation {
    private final List<Runnable> callbacks = new ArrayList<>();
    private volatile String reason;

    /** A signal that is never cancelled by anyone but its owner. */
    public static Cancellation create() {
        return new Cancellation();
    }

    public boolean isCancelled() {
        return reason != null;
    }

    /** Why it was cancelled, or null while it is not. */
    public String reason() {
        return reason;
    }

    /** @throws ToolCancelledException if cancelled */
    public void throwIfCancelled() {
        String r = reason;
        if (r != null) {
            throw new ToolCancelledException(r);
        }
    }

    /**
     * Runs {@code callback} once when cancelled (at once if already cancelled), e.g. to abort an
     * HTTP request or kill a process.
     */
    public void onCancel(Runnable callback) {
        boolean runNow;
        synchronized (callbacks) {
            runNow = reason != null;
            if (!runNow) {
                callbacks.add(callback);
            }
        }
        if (runNow) {
            callback.run();
        }
    }

    /** Cancels with a reason; later calls do nothing. */
    public void cancel(String why) {
        List<Runnable> toRun;
        synchronized (callbacks) {
            if (reason != null) {
                return;
            }
            reason = why == null || why.isBlank() ? "cancelled" : why;
            toRun = List.copyOf(callbacks);
            callbacks.clear();
        }
        for (Runnable r : toRun) {
            try {
                r.run();
            } catch (RuntimeException ignored) {
                // a failing callback must not keep the others from running
            }
        }
    }
}
