package dev.modaweave.agent;

import java.util.Locale;

/**
 * Where a dispatched job stands. A job is {@link #PENDING} while it waits for the artifacts of the
 * calls it refers to, {@link #RUNNING} from its first send until it ends, and ends exactly once:
 * {@link #COMPLETED}, {@link #FAILED} or {@link #CANCELLED}.
 */
public enum JobState {
    PENDING, RUNNING, COMPLETED, FAILED, CANCELLED;

    /** Whether the job has ended. */
    public boolean isDone() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    /** The name in events and job records: {@code pending}, {@code running}… */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
