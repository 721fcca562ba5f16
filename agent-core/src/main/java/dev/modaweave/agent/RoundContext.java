package dev.modaweave.agent;

import java.util.List;
import java.util.Objects;

/**
 * What the agent tells a {@link RoundAwareChatModel} about the round it asks for, beside the
 * messages: whether the model answers the user, continues after its calls' results, or repairs
 * rejected calls, and which artifacts the conversation holds (newest last). Models that read only
 * messages never see it; a model that plans calls itself (the embedded planner) reads it instead of
 * parsing prompt text back.
 *
 * @param kind      the round's purpose
 * @param round     1 for the first round of a turn, then 2, 3…
 * @param artifacts the conversation's artifacts, newest last
 */
public record RoundContext(Kind kind, int round, List<Session.ArtifactNote> artifacts) {

    /** A round's purpose. */
    public enum Kind {
        /** The first round: answer the user's message. */
        ANSWER,
        /** A continuation after the results of the previous round's calls. */
        RESULTS,
        /** A repair round: the previous round's calls were rejected, with the errors in the last message. */
        REPAIR
    }

    public RoundContext {
        Objects.requireNonNull(kind, "kind");
        if (round < 1) {
            throw new IllegalArgumentException("round is " + round + "; rounds count from 1");
        }
        artifacts = List.copyOf(artifacts);
    }
}
