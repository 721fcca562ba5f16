package dev.modaweave.app.serve;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who may use which session: the HTTP API (all its callers share one owner, {@link #HTTP}) or one
 * event-bus bridge socket. The first to use a session id claims it; others are refused, so a bridge
 * client can listen only to the sessions it started and never to another client's. Claims outlive
 * their socket (a reconnecting client starts a new session); the oldest are forgotten beyond 10,000.
 */
final class SessionOwners {

    static final String HTTP = "http";
    private static final int MAX = 10_000;

    private final Map<String, String> owners = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX;
        }
    };

    /** Claims {@code sessionId} for {@code owner}; true when it is now (or already was) that owner's. */
    synchronized boolean claim(String sessionId, String owner) {
        String current = owners.putIfAbsent(sessionId, owner);
        return current == null || current.equals(owner);
    }

    /** Whether {@code sessionId} has been claimed by {@code owner}. */
    synchronized boolean ownedBy(String sessionId, String owner) {
        return owner.equals(owners.get(sessionId));
    }
}
