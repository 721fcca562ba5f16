package dev.modaweave.generators.djl.internal;

import dev.modaweave.generators.minilm.MiniLmEncoder;

import java.util.List;

/**
 * The all-MiniLM-L6-v2 sentence embedding of a prompt, from the JVM's one {@link MiniLmEncoder} (shared
 * with the embedded planner and the dataset tools; its model is inside the LangChain4j jar, so it runs offline).
 */
public final class TextEmbedder {

    /** Dimensions of an all-MiniLM-L6-v2 embedding. */
    public static final int DIMENSIONS = MiniLmEncoder.DIMENSIONS;

    private TextEmbedder() {
    }

    /** The normalised 384-d embedding of {@code text}. */
    public static float[] embed(String text) {
        return MiniLmEncoder.shared().embed(List.of(text))[0];
    }
}
