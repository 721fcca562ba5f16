package dev.modaweave.generators.djl.internal;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;

/**
 * The all-MiniLM-L6-v2 sentence embedding that LangChain4j ships: its ONNX model and tokenizer
 * are inside the jar, so it runs offline. Loaded once per JVM on first use (about 90 MB) and
 * shared by every TorchScript tool; the model is thread-safe.
 */
public final class TextEmbedder {

    /** Dimensions of an all-MiniLM-L6-v2 embedding. */
    public static final int DIMENSIONS = 384;

    private TextEmbedder() {
    }

    private static final class Holder {
        static final EmbeddingModel MODEL = new AllMiniLmL6V2EmbeddingModel();
    }

    /** The normalised 384-d embedding of {@code text}. */
    public static float[] embed(String text) {
        return Holder.MODEL.embed(text).content().vector();
    }
}
