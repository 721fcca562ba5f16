package dev.modaweave.tools;

/**
 * Every event-bus address Modaweave uses, in one place. Messages are JSON; media never travels on
 * the bus, only artifact ids.
 */
public final class EventBusAddresses {
    /** Requests to the dispatcher. */
    public static final String DISPATCH = "modaweave.dispatch";
    /** Requests to the agent: {@code {sessionId, message:{text, media:[artifact ids]}}}. */
    public static final String AGENT = "modaweave.agent";
    /** Published by workers when they start or stop serving tools. */
    public static final String TOOL_ANNOUNCE = "modaweave.tools.announce";
    /** Published by registries asking every worker to announce its tools again. */
    public static final String TOOL_DISCOVER = "modaweave.tools.discover";
    /**
     * Cancellations, published: {@code {"jobId": …, "reason": …}} cancels the job on whichever node's
     * worker runs or queues it, and a call of that job arriving later is refused as cancelled.
     */
    public static final String CANCEL = "modaweave.cancel";
    /**
     * Reads of an artifact's bytes by apps on the cluster: {@code {"id": …, "offset": 0, "length": …}}, answered
     * with a chunk of bytes. Never permitted through the browser bridge.
     */
    public static final String ARTIFACT_READ = "modaweave.artifacts.read";

    private static final String TOOL_PREFIX = "modaweave.tool.";
    private static final String SESSION_PREFIX = "modaweave.session.";
    private static final String PROGRESS_PREFIX = "modaweave.progress.";
    private static final String TURN_PREFIX = "modaweave.turn.";

    /** Point-to-point address of a tool's workers; the bus load-balances across them. */
    public static String tool(String toolName) {
        return TOOL_PREFIX + toolName;
    }

    /** Where a session's turn events are published, in order. */
    public static String session(String sessionId) {
        return SESSION_PREFIX + sessionId;
    }

    /** Where progress of one job is published. */
    public static String progress(String jobId) {
        return PROGRESS_PREFIX + jobId;
    }

    /** Where the dispatcher publishes the outcome of each call of a turn, unless the request named another address. */
    public static String turn(String turnId) {
        return TURN_PREFIX + turnId;
    }

    private EventBusAddresses() {
    }
}
