package dev.modaweave.app.planner;

import dev.modaweave.generators.minilm.MiniLmEncoder;

import java.util.ArrayList;
import java.util.List;

/**
 * What all-MiniLM-L6-v2 makes of a request: the last hidden state of each of its words (the mean of
 * the word's word pieces) and the sentence embedding. These carry meaning beyond the surface words
 * ("footage" sits near "video", "whip up" near "make"), which the hashed word and trigram features
 * cannot. The encoder reads the planner's own lower-cased tokens joined by spaces (marker words left
 * out, their rows zero), so training examples and live requests are read alike; the model's
 * tokenizer is uncased and splits punctuation itself, so this is the text it would see anyway.
 */
final class MiniLmFeatures {

    /** Width of all-MiniLM-L6-v2's states and sentence embedding. */
    static final int WIDTH = 384;

    /**
     * The features of one request.
     *
     * @param tokens   one row of {@link #WIDTH} per word, flattened (markers and words without word pieces: zeros)
     * @param sentence the unit sentence embedding of the request
     */
    record Features(float[] tokens, float[] sentence) {
    }

    /** No features, for models that read none. */
    static final Features NONE = new Features(new float[0], new float[0]);

    private final MiniLmEncoder encoder;

    MiniLmFeatures(MiniLmEncoder encoder) {
        this.encoder = encoder;
    }

    /** The features of each request, given as its planner words (lower-cased tokens, markers first). */
    List<Features> ofAll(List<List<String>> requests) {
        List<String> texts = new ArrayList<>(requests.size());
        List<int[][]> spans = new ArrayList<>(requests.size());
        for (List<String> words : requests) {
            StringBuilder text = new StringBuilder();
            int[][] span = new int[words.size()][];
            for (int j = 0; j < words.size(); j++) {
                if (isMarker(words.get(j))) {
                    continue;
                }
                if (!text.isEmpty()) {
                    text.append(' ');
                }
                span[j] = new int[] {text.length(), text.length() + words.get(j).length()};
                text.append(words.get(j));
            }
            texts.add(text.isEmpty() ? " " : text.toString());
            spans.add(span);
        }
        List<MiniLmEncoder.TokenStates> states = encoder.tokenStates(texts);
        List<Features> out = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            out.add(features(spans.get(i), states.get(i)));
        }
        return out;
    }

    /**
     * The features of each request like {@link #ofAll(List)}, reusing those stored in {@code cache}
     * (a file this method writes; features depend only on the words) and adding the new ones to it.
     * Reading MiniLM is most of a training run's preparation; the cache makes a second run on the
     * same data start at once.
     */
    List<Features> ofAll(List<List<String>> requests, java.nio.file.Path cache) {
        java.util.Map<String, Features> known = new java.util.HashMap<>();
        if (java.nio.file.Files.isRegularFile(cache)) {
            try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(
                    java.nio.file.Files.newInputStream(cache), 1 << 20))) {
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    String key = in.readUTF();
                    float[] tokens = new float[in.readInt()];
                    for (int k = 0; k < tokens.length; k++) {
                        tokens[k] = in.readFloat();
                    }
                    float[] sentence = new float[in.readInt()];
                    for (int k = 0; k < sentence.length; k++) {
                        sentence[k] = in.readFloat();
                    }
                    known.put(key, new Features(tokens, sentence));
                }
            } catch (java.io.IOException e) {
                known.clear();
            }
        }
        List<List<String>> missing = new ArrayList<>();
        for (List<String> words : requests) {
            if (!known.containsKey(String.join("\u0001", words))) {
                missing.add(words);
            }
        }
        if (!missing.isEmpty()) {
            List<Features> computed = ofAll(missing);
            for (int i = 0; i < missing.size(); i++) {
                known.put(String.join("\u0001", missing.get(i)), computed.get(i));
            }
            try {
                if (cache.getParent() != null) {
                    java.nio.file.Files.createDirectories(cache.getParent());
                }
                try (java.io.DataOutputStream out = new java.io.DataOutputStream(new java.io.BufferedOutputStream(
                        java.nio.file.Files.newOutputStream(cache), 1 << 20))) {
                    out.writeInt(known.size());
                    for (var e : known.entrySet()) {
                        out.writeUTF(e.getKey());
                        out.writeInt(e.getValue().tokens().length);
                        for (float f : e.getValue().tokens()) {
                            out.writeFloat(f);
                        }
                        out.writeInt(e.getValue().sentence().length);
                        for (float f : e.getValue().sentence()) {
                            out.writeFloat(f);
                        }
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot write the feature cache " + cache, e);
            }
        }
        List<Features> out = new ArrayList<>(requests.size());
        for (List<String> words : requests) {
            out.add(known.get(String.join("\u0001", words)));
        }
        return out;
    }

    /** The features of one request. */
    Features of(List<String> words) {
        return ofAll(List.of(words)).get(0);
    }

    private static Features features(int[][] spans, MiniLmEncoder.TokenStates states) {
        float[] rows = new float[spans.length * WIDTH];
        int piece = 0;
        for (int j = 0; j < spans.length; j++) {
            if (spans[j] == null) {
                continue;
            }
            while (piece < states.starts().length && states.ends()[piece] <= spans[j][0]) {
                piece++;
            }
            int count = 0;
            for (int p = piece; p < states.starts().length && states.starts()[p] < spans[j][1]; p++) {
                float[] h = states.states()[p];
                for (int d = 0; d < WIDTH; d++) {
                    rows[j * WIDTH + d] += h[d];
                }
                count++;
            }
            if (count > 1) {
                for (int d = 0; d < WIDTH; d++) {
                    rows[j * WIDTH + d] /= count;
                }
            }
        }
        return new Features(rows, states.sentence());
    }

    static boolean isMarker(String word) {
        return word.startsWith("<has:");
    }
}
