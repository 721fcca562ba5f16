package dev.modaweave.app.serve;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Spending limits per client: at most {@code turnsPerMinute} turns started and {@code callsPerMinute}
 * calls accepted in any sliding minute (0 switches a limit off). A turn is admitted only while both
 * budgets have room; a call is counted when the agent accepts it, so a turn already running is never cut
 * and the calls it makes delay the client's next turn. Time comes from an injectable clock (nanoseconds).
 */
final class RateLimits {

    private static final long MINUTE = 60_000_000_000L;

    private final int turnsPerMinute;
    private final int callsPerMinute;
    private final LongSupplier clock;
    private final Map<String, Deque<Long>> turns = new ConcurrentHashMap<>();
    private final Map<String, Deque<Long>> calls = new ConcurrentHashMap<>();

    RateLimits(int turnsPerMinute, int callsPerMinute, LongSupplier clock) {
        this.turnsPerMinute = turnsPerMinute;
        this.callsPerMinute = callsPerMinute;
        this.clock = clock;
    }

    /** The refusal of a turn: which budget is spent, and in how many whole seconds it has room again. */
    record Refusal(String budget, int limit, long retryAfterSeconds) {
    }

    /** Admits a turn of {@code client} and counts it, or says why not. */
    Refusal admitTurn(String client) {
        long now = clock.getAsLong();
        Refusal calls = check(this.calls, client, callsPerMinute, now, "calls");
        if (calls != null) {
            return calls;
        }
        Refusal turns = check(this.turns, client, turnsPerMinute, now, "turns");
        if (turns != null) {
            return turns;
        }
        record(this.turns, client, turnsPerMinute, now);
        return null;
    }

    /** Counts one accepted call of {@code client}. */
    void callAccepted(String client) {
        record(calls, client, callsPerMinute, clock.getAsLong());
    }

    private static Refusal check(Map<String, Deque<Long>> times, String client, int limit, long now, String budget) {
        if (limit <= 0) {
            return null;
        }
        Deque<Long> window = times.get(client);
        if (window == null) {
            return null;
        }
        synchronized (window) {
            while (!window.isEmpty() && now - window.peekFirst() >= MINUTE) {
                window.pollFirst();
            }
            if (window.size() < limit) {
                return null;
            }
            long freeAt = window.peekFirst() + MINUTE;
            return new Refusal(budget, limit, Math.max(1, (freeAt - now + 999_999_999L) / 1_000_000_000L));
        }
    }

    private static void record(Map<String, Deque<Long>> times, String client, int limit, long now) {
        if (limit <= 0) {
            return;
        }
        Deque<Long> window = times.computeIfAbsent(client, c -> new ArrayDeque<>());
        synchronized (window) {
            window.addLast(now);
            while (window.size() > limit && now - window.peekFirst() >= MINUTE) {
                window.pollFirst();
            }
        }
    }
}
