package dev.modaweave.agent;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A {@link DispatchClock} that stands still until the test moves it; due timers then run in order. */
final class ManualDispatchClock implements DispatchClock {

    private record Timer(long id, long due, long delay, Runnable action, Context context) {
    }

    private final List<Timer> timers = new ArrayList<>();
    private long now = 1_000_000L;
    private long nextId;

    @Override
    public synchronized long millis() {
        return now;
    }

    @Override
    public synchronized long setTimer(long delayMillis, Runnable action) {
        Timer t = new Timer(++nextId, now + Math.max(1, delayMillis), delayMillis, action, Vertx.currentContext());
        timers.add(t);
        return t.id();
    }

    @Override
    public synchronized void cancelTimer(long id) {
        timers.removeIf(t -> t.id() == id);
    }

    /** Whether a timer set with this delay is waiting to fire. */
    synchronized boolean hasPending(long delayMillis) {
        return timers.stream().anyMatch(t -> t.delay() == delayMillis);
    }

    /** Moves time on by {@code millis}, running every timer that falls due on the way, earliest first, each on its context. */
    void advance(long millis) throws InterruptedException {
        long target;
        synchronized (this) {
            target = now + millis;
        }
        while (true) {
            Timer next;
            synchronized (this) {
                next = timers.stream().filter(t -> t.due() <= target).min(Comparator.comparingLong(Timer::due)).orElse(null);
                if (next == null) {
                    now = target;
                    return;
                }
                timers.remove(next);
                now = next.due();
            }
            CountDownLatch ran = new CountDownLatch(1);
            Runnable action = next.action();
            if (next.context() != null) {
                next.context().runOnContext(v -> {
                    try {
                        action.run();
                    } finally {
                        ran.countDown();
                    }
                });
            } else {
                action.run();
                ran.countDown();
            }
            if (!ran.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("a timer's action did not run within 10 s");
            }
        }
    }
}
