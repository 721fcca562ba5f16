package dev.modaweave.agent;

/**
 * Stand-in with the agreed signature until the validator lands: per-turn limits.
 *
 * @param maxCalls most calls in one turn
 */
public record TurnLimits(int maxCalls) {
    /** The default limits. */
    public static TurnLimits defaults() {
        return new TurnLimits(8);
    }
}
