package dev.modaweave.agent.llm;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link RetryingStreamingChatModel.Scheduler} with a clock that only moves when a retry "waits":
 * {@link #schedule} records the delay, moves the clock forward by it and runs the retry at once, so
 * tests see exactly which waits were asked for without spending them.
 */
public final class FakeRetryScheduler extends Clock implements RetryingStreamingChatModel.Scheduler {

    /** Every delay asked for, in order. */
    public final List<Duration> delays = new CopyOnWriteArrayList<>();
    private volatile Instant now;

    /** A scheduler whose clock starts at {@code start}. */
    public FakeRetryScheduler(Instant start) {
        this.now = start;
    }

    @Override
    public void schedule(Duration delay, Runnable task) {
        delays.add(delay);
        now = now.plus(delay);
        task.run();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }
}
