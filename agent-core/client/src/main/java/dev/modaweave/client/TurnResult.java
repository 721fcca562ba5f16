package dev.modaweave.client;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a turn gave once it ended: its visible text, the artifacts, the failed and refused calls, and
 * its last event ({@link TurnEvent.TurnDone} or {@link TurnEvent.TurnFailed}).
 *
 * @param sessionId the session
 * @param turnId    the turn's id as the agent announced it
 * @param text      the whole visible text of the answer
 * @param artifacts the artifacts, in the order they were made
 * @param failures  the calls that failed
 * @param rejected  the meta-responses refused before anything ran
 * @param last      the turn's last event
 */
public record TurnResult(String sessionId, String turnId, String text, List<TurnEvent.ArtifactReady> artifacts,
                         List<TurnEvent.CallFailed> failures, List<TurnEvent.CallRejected> rejected, TurnEvent last) {

    public TurnResult {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(turnId, "turnId");
        Objects.requireNonNull(text, "text");
        artifacts = List.copyOf(artifacts);
        failures = List.copyOf(failures);
        rejected = List.copyOf(rejected);
        if (!(last instanceof TurnEvent.TurnDone) && !(last instanceof TurnEvent.TurnFailed)) {
            throw new IllegalArgumentException("a turn ends with turn_done or turn_failed, not " + last);
        }
    }

    /** Whether the turn ended with {@code turn_done} (some calls may still have failed: see {@link #failures()}). */
    public boolean done() {
        return last instanceof TurnEvent.TurnDone;
    }

    /** The reason the turn ended early, when it ended with {@code turn_failed}. */
    public Optional<TurnEvent.TurnFailed> failure() {
        return last instanceof TurnEvent.TurnFailed f ? Optional.of(f) : Optional.empty();
    }
}
