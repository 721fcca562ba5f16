package dev.modaweave.datasets;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.modaweave.generators.minilm.MiniLmEncoder;

import java.util.List;

/**
 * Turns short texts into unit-length vectors whose dot product is their cosine similarity. Used by
 * near-duplicate removal and by the evaluation's prompt similarity.
 */
public interface SentenceEmbedder {

    /** One unit vector per text, same order. */
    float[][] embed(List<String> texts);

    /**
     * The all-MiniLM-L6-v2 model that LangChain4j ships, run in batches with padding (several times
     * faster on short captions than one text at a time): the JVM's one {@link MiniLmEncoder}, shared with the
     * planner and the DJL generators. Works offline.
     */
    static SentenceEmbedder miniLm() {
        return texts -> MiniLmEncoder.shared().embed(texts);
    }

    /**
     * all-MiniLM-L6-v2 with 8-bit weights ({@link MiniLmEncoder#quantized()}): the same vectors to within a
     * few hundredths of cosine, several times faster; what near-duplicate removal uses by default.
     */
    static SentenceEmbedder miniLmQuantized() {
        return texts -> MiniLmEncoder.quantized().embed(texts);
    }

    /**
     * The embedder called {@code name}: {@code minilm} (full precision) or {@code minilm-q} (8-bit weights).
     *
     * @throws IllegalArgumentException naming the known embedders
     */
    static SentenceEmbedder named(String name) {
        return switch (name) {
            case "minilm" -> miniLm();
            case "minilm-q" -> miniLmQuantized();
            default -> throw new IllegalArgumentException("unknown embedder '" + name + "'; use minilm (all-MiniLM-L6-v2) "
                    + "or minilm-q (the same with 8-bit weights, faster)");
        };
    }

    /** Any LangChain4j embedding model; vectors are normalised to unit length. */
    static SentenceEmbedder of(EmbeddingModel model) {
        return texts -> {
            List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
            return model.embedAll(segments).content().stream()
                    .map(e -> MiniLmEncoder.normalise(e.vector()))
                    .toArray(float[][]::new);
        };
    }

    /** Dot product of two vectors of the same length. */
    static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot;
    }
}
