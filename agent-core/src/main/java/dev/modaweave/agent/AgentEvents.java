package dev.modaweave.agent;

/**
 * The event types of a turn, as published on {@code modaweave.session.<sessionId>}. Every event is
 * a JSON object with {@code type}, {@code sessionId}, {@code turnId} and {@code seq} (increasing by
 * one per session, so a gap means a lost event). The fields of each type are documented in the
 * agent-core README.
 */
public final class AgentEvents {
    /** {@code text}: a piece of the answer's text, in order. */
    public static final String TEXT = "text";
    /** {@code call_accepted}: a meta-response was validated and dispatched. */
    public static final String CALL_ACCEPTED = "call_accepted";
    /** {@code progress}: a running call reported progress. */
    public static final String PROGRESS = "progress";
    /** {@code artifact}: a call produced an artifact; {@code id} is the artifact id. */
    public static final String ARTIFACT = "artifact";
    /** {@code call_failed}: a dispatched call failed or was cancelled. */
    public static final String CALL_FAILED = "call_failed";
    /** {@code call_rejected}: a meta-response stayed malformed or invalid after the repair round; nothing ran. */
    public static final String CALL_REJECTED = "call_rejected";
    /** {@code turn_done}: the turn finished; the last event of the turn. */
    public static final String TURN_DONE = "turn_done";
    /** {@code turn_failed}: the turn ended with an error (LLM failure, cancellation, timeout); the last event. */
    public static final String TURN_FAILED = "turn_failed";

    private AgentEvents() {
    }
}
