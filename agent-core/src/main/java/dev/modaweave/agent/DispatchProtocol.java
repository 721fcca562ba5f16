package dev.modaweave.agent;

/**
 * The names of the dispatcher's wire protocol on {@code modaweave.dispatch}, shared by the
 * {@link Dispatcher} and its callers (the agent among them): request actions and the types of the
 * events a dispatcher turn reports. The JSON of each is in the agent-core README.
 */
public final class DispatchProtocol {
    /** Action: add calls to a turn, opening it when new. */
    public static final String DISPATCH = "dispatch";
    /** Action: cancel a turn's pending and running calls. */
    public static final String CANCEL = "cancel";
    /** Action: no more calls will come for an open turn; it ends when its last call has. */
    public static final String CLOSE = "close";

    /** Event: a call was validated and routed ({@code tool}); {@code waitingFor} lists the calls it needs first. */
    public static final String ACCEPTED = "accepted";
    /** Event: a call was sent to its tool. */
    public static final String STARTED = "started";
    /** Event: a worker took the call ({@code node}). */
    public static final String ASSIGNED = "assigned";
    /** Event: progress reported by the worker. */
    public static final String PROGRESS = "progress";
    /** Event: the call produced its artifact. */
    public static final String COMPLETED = "completed";
    /** Event: the call failed. */
    public static final String FAILED = "failed";
    /** Event: the call was cancelled. */
    public static final String CANCELLED = "cancelled";
    /** Event: every call of the turn has ended; the turn's last event. */
    public static final String TURN_DONE = "turn_done";

    private DispatchProtocol() {
    }
}
