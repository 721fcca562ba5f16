package dev.modaweave.agent;

/**
 * Bounds on what one turn may ask for, checked before anything is dispatched.
 *
 * @param maxCalls         meta-responses per turn (default 16)
 * @param maxArgumentBytes size of one call's {@code args} as compact JSON, in UTF-8 bytes (default 16 KiB)
 */
public record TurnLimits(int maxCalls, int maxArgumentBytes) {

    public TurnLimits {
        if (maxCalls < 1) {
            throw new IllegalArgumentException("maxCalls is " + maxCalls + "; it must be at least 1");
        }
        if (maxArgumentBytes < 64) {
            throw new IllegalArgumentException("maxArgumentBytes is " + maxArgumentBytes + "; it must be at least 64");
        }
    }

    public static TurnLimits defaults() {
        return new TurnLimits(16, 16 * 1024);
    }
}
