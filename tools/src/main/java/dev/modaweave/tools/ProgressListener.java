package dev.modaweave.tools;

/** Receives a tool's progress. Implementations never block and never throw. */
@FunctionalInterface
public interface ProgressListener {

    /** Ignores progress. */
    ProgressListener NONE = (fraction, message) -> { };

    /**
     * @param fraction done so far, from 0 to 1
     * @param message  short human-readable status, e.g. {@code "step 12/30"}; may be empty
     */
    void progress(double fraction, String message);
}
