package dev.modaweave.datasets;

import dev.modaweave.generators.minilm.MiniLmEncoder;

import java.util.List;

/** A fast stand-in embedder for tests: hashed bag of words, unit length. Same words → cosine 1. */
final class HashingEmbedder implements SentenceEmbedder {
    @Override
    public float[][] embed(List<String> texts) {
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < out.length; i++) {
            float[] v = new float[64];
            for (String w : CaptionText.normalised(texts.get(i)).split(" ")) {
                v[Math.floorMod(w.hashCode(), 64)] += 1;
            }
            out[i] = MiniLmEncoder.normalise(v);
        }
        return out;
    }
}
