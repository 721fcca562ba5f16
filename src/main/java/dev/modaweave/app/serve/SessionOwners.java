package dev.modaweave.app.serve;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Who may use which session: the HTTP API (all its callers share one owner, {@link #HTTP}) or one
 * event-bus bridge socket. The first to use a session id claims it; others are refused, so a bridge
 * client can listen only to the sessions it started and never to another client's. A socket's claims
 * are never evicted: they are bounded per socket (past {@code perSocket}, a claim of a new session is
 * refused) and released when the socket lets go of them ({@link #release}) or closes
 * ({@link #releaseAll}). Only the HTTP owner's claims are forgotten, oldest first, beyond
 * {@code httpMax}; that frees session ids for new HTTP turns and never touches a socket's claims.
 */
final class SessionOwners {

    static final String HTTP = "http";

    /** The answer to a claim. */
    enum Claim {
        /** The session is now, or already was, the claimant's. */
        OWNED,
        /** Another owner holds the session. */
        TAKEN,
        /** The claimant holds as many sessions as it may. */
        LIMIT
    }

    private final int perSocket;
    private final Map<String, String> owners = new HashMap<>();
    private final Map<String, Set<String>> byOwner = new HashMap<>();
    private final Map<String, Boolean> httpOrder;

    SessionOwners(int perSocket, int httpMax) {
        this.perSocket = perSocket;
        this.httpOrder = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                if (size() > httpMax) {
                    String id = eldest.getKey();
                    owners.remove(id, HTTP);
                    Set<String> http = byOwner.get(HTTP);
                    if (http != null) {
                        http.remove(id);
                    }
                    return true;
                }
                return false;
            }
        };
    }

    /** Claims {@code sessionId} for {@code owner}. */
    synchronized Claim claim(String sessionId, String owner) {
        String current = owners.get(sessionId);
        if (current != null) {
            if (!current.equals(owner)) {
                return Claim.TAKEN;
            }
            if (owner.equals(HTTP)) {
                httpOrder.get(sessionId);
            }
            return Claim.OWNED;
        }
        Set<String> mine = byOwner.computeIfAbsent(owner, o -> new HashSet<>());
        if (!owner.equals(HTTP) && mine.size() >= perSocket) {
            return Claim.LIMIT;
        }
        owners.put(sessionId, owner);
        mine.add(sessionId);
        if (owner.equals(HTTP)) {
            httpOrder.put(sessionId, Boolean.TRUE);
        }
        return Claim.OWNED;
    }

    /** Whether {@code sessionId} has been claimed by {@code owner}. */
    synchronized boolean ownedBy(String sessionId, String owner) {
        return owner.equals(owners.get(sessionId));
    }

    /** Releases {@code sessionId} if {@code owner} holds it. */
    synchronized void release(String sessionId, String owner) {
        if (owners.remove(sessionId, owner)) {
            Set<String> mine = byOwner.get(owner);
            if (mine != null) {
                mine.remove(sessionId);
            }
        }
    }

    /** Releases every session {@code owner} holds (a socket that closed). */
    synchronized void releaseAll(String owner) {
        Set<String> mine = byOwner.remove(owner);
        if (mine != null) {
            mine.forEach(id -> owners.remove(id, owner));
        }
    }

    /** How many sessions {@code owner} holds. */
    synchronized int held(String owner) {
        Set<String> mine = byOwner.get(owner);
        return mine == null ? 0 : mine.size();
    }

    /** The most sessions one socket may hold. */
    int perSocket() {
        return perSocket;
    }
}
