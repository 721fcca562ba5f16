package dev.modaweave.generators.local.internal;

import dev.modaweave.tools.Cancellation;
import dev.modaweave.tools.ProgressListener;

/** One way of turning text into a WAV: espeak-ng as a process, or FreeTTS in the JVM. */
public interface SpeechEngine {

    /** Short name reported in the artifact's attributes, e.g. {@code "espeak-ng"}. */
    String name();

    /** How many syntheses may run at once. */
    int capacity();

    /**
     * Speaks {@code text}.
     *
     * @param voice a voice name that passed the tool's schema (e.g. {@code en-us}), or null for the default
     * @param rate  words per minute
     * @param pitch 0..99, 50 is the voice's normal pitch
     */
    Speech speak(String text, String voice, int rate, int pitch, Cancellation cancellation, ProgressListener progress);

    /**
     * What an engine produced.
     *
     * @param wav   a complete WAV file
     * @param voice the voice actually used
     */
    record Speech(byte[] wav, String voice) {
    }
}
