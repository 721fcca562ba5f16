package dev.modaweave.agent;

/**
 * The agent is draining (see {@link Agent#drain}) and takes no new turns; the turn was not started.
 * The caller can send it to another node or try again once this one is back.
 */
public final class AgentShuttingDownException extends RuntimeException {

    public AgentShuttingDownException(String message) {
        super(message);
    }
}
