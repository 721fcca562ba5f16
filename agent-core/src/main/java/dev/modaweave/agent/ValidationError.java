package dev.modaweave.agent;

/**
 * Stand-in until the validator lands: one reason a call of a turn is rejected.
 *
 * @param callId  the call's id
 * @param message what is wrong
 */
public record ValidationError(String callId, String message) {
    @Override
    public String toString() {
        return callId + ": " + message;
    }
}
