package dev.modaweave.agent;

import io.vertx.core.Vertx;

/**
 * The time and timers a {@link Dispatcher} runs on: when jobs were sent, and the acknowledgement,
 * resend, record and orphan timers. The default is the system clock with Vert.x timers; a test gives
 * the dispatcher a clock it moves by hand, so time-outs happen when the test says, without sleeping.
 * Timer actions run on the dispatcher's context.
 */
public interface DispatchClock {

    /** Milliseconds since some fixed origin (the epoch for the system clock). */
    long millis();

    /** Runs {@code action} once, {@code delayMillis} from now; returns an id for {@link #cancelTimer(long)}. */
    long setTimer(long delayMillis, Runnable action);

    /** Cancels a timer that has not fired; does nothing for one that has. */
    void cancelTimer(long id);

    /** The system clock with {@code vertx}'s timers (actions run on the context that set them). */
    static DispatchClock system(Vertx vertx) {
        return new DispatchClock() {
            @Override
            public long millis() {
                return System.currentTimeMillis();
            }

            @Override
            public long setTimer(long delayMillis, Runnable action) {
                return vertx.setTimer(Math.max(1, delayMillis), id -> action.run());
            }

            @Override
            public void cancelTimer(long id) {
                vertx.cancelTimer(id);
            }
        };
    }
}
