package dev.modaweave.projector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The files and shapes of a learned input projector (ModaVerse / LLaVA style), read from a JSON spec:
 * an image encoder (TorchScript, e.g. CLIP's vision tower with its projection), the projector MLP's
 * weights, and the LLM's token embedding table (TorchScript) with its tokenizer, so a whole prompt can
 * be sent to the LLM as embeddings. Relative paths resolve against the spec's directory.
 *
 * <pre>{@code
 * {"encoder": "clip-vit-b32-image.pt", "imageSize": 224, "mean": [0.481, 0.458, 0.408], "std": [0.269, 0.261, 0.276],
 *  "embeddingSize": 512, "embeddings": "qwen2.5-1.5b-embed-tokens.pt", "hiddenSize": 1536, "tokenizer": "tokenizer",
 *  "softTokens": 8, "projectorHidden": 2048, "projector": "projector.params",
 *  "systemTemplate": "<|im_start|>system\n{text}<|im_end|>\n", "userTemplate": "<|im_start|>user\n{text}<|im_end|>\n",
 *  "assistantTemplate": "<|im_start|>assistant\n{text}<|im_end|>\n", "generationPrompt": "<|im_start|>assistant\n"}
 * }</pre>
 *
 * @param encoder          TorchScript: float {@code [B,3,imageSize,imageSize]}, normalised with {@code mean}/{@code std} → {@code [B,embeddingSize]}
 * @param imageSize        side of the square picture the encoder takes
 * @param mean             per-channel mean of the normalisation (RGB, 0..1 scale)
 * @param std              per-channel standard deviation of the normalisation
 * @param embeddingSize    width of the encoder's output
 * @param embeddings       TorchScript: int64 token ids {@code [N]} → {@code [N,hiddenSize]}, the LLM's input embedding table
 * @param hiddenSize       the LLM's hidden size
 * @param tokenizer        directory with the LLM's {@code tokenizer.json} (and {@code tokenizer_config.json})
 * @param softTokens       soft tokens each picture becomes
 * @param projectorHidden  width of the MLP's hidden layer
 * @param projector        the MLP's weights (written by {@code modaweave projector train})
 * @param systemTemplate   how a system message is written; {@code {text}} is the message
 * @param userTemplate     how a user message is written
 * @param assistantTemplate how an earlier assistant message is written
 * @param generationPrompt what follows the last message so the model answers
 */
public record ProjectorSpec(Path encoder, int imageSize, float[] mean, float[] std, int embeddingSize, Path embeddings,
                            int hiddenSize, Path tokenizer, int softTokens, int projectorHidden, Path projector,
                            String systemTemplate, String userTemplate, String assistantTemplate, String generationPrompt) {

    private static final Set<String> KEYS = Set.of("encoder", "imageSize", "mean", "std", "embeddingSize", "embeddings",
            "hiddenSize", "tokenizer", "softTokens", "projectorHidden", "projector", "systemTemplate", "userTemplate",
            "assistantTemplate", "generationPrompt");

    public ProjectorSpec {
        range("imageSize", imageSize, 8, 1024);
        range("embeddingSize", embeddingSize, 1, 65_536);
        range("hiddenSize", hiddenSize, 1, 65_536);
        range("softTokens", softTokens, 1, 256);
        range("projectorHidden", projectorHidden, 1, 65_536);
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("projector spec: mean and std need three values (R, G, B)");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("projector spec: std values must be positive");
            }
        }
        for (String t : List.of(systemTemplate, userTemplate, assistantTemplate)) {
            if (!t.contains("{text}")) {
                throw new IllegalArgumentException("projector spec: the template '" + t + "' has no {text} placeholder");
            }
        }
    }

    /**
     * Reads a spec file.
     *
     * @throws IllegalArgumentException naming the file, the key and what it must be (a missing file included)
     */
    public static ProjectorSpec load(Path file) {
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read projector spec " + file + ": " + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("projector spec " + file + " must be a JSON object");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("projector spec " + file + ": unknown key '" + key + "'; known keys are " + KEYS);
            }
        }
        Path dir = file.toAbsolutePath().getParent();
        try {
            return new ProjectorSpec(existing(dir, n, "encoder", file), integer(n, "imageSize", file), floats(n, "mean", file),
                    floats(n, "std", file), integer(n, "embeddingSize", file), existing(dir, n, "embeddings", file),
                    integer(n, "hiddenSize", file), existing(dir, n, "tokenizer", file), integer(n, "softTokens", file),
                    integer(n, "projectorHidden", file), dir.resolve(text(n, "projector", file)),
                    n.path("systemTemplate").asText("SYSTEM: {text}\n"), n.path("userTemplate").asText("USER: {text}\n"),
                    n.path("assistantTemplate").asText("ASSISTANT: {text}\n"), n.path("generationPrompt").asText("ASSISTANT:"));
        } catch (IllegalArgumentException e) {
            throw e.getMessage().contains(file.toString()) ? e
                    : new IllegalArgumentException("projector spec " + file + ": " + e.getMessage(), e);
        }
    }

    private static void range(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("projector spec: " + key + " is " + value + "; allowed " + min + " to " + max);
        }
    }

    private static String text(JsonNode n, String key, Path file) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException("projector spec " + file + ": '" + key + "' must be a non-empty string");
        }
        return v.asText();
    }

    private static Path existing(Path dir, JsonNode n, String key, Path file) {
        Path p = dir.resolve(text(n, key, file));
        if (!Files.exists(p)) {
            throw new IllegalArgumentException("projector spec " + file + ": '" + key + "' names " + p + ", which does not exist");
        }
        return p;
    }

    private static int integer(JsonNode n, String key, Path file) {
        JsonNode v = n.get(key);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("projector spec " + file + ": '" + key + "' must be a whole number");
        }
        return v.asInt();
    }

    private static float[] floats(JsonNode n, String key, Path file) {
        JsonNode v = n.get(key);
        if (v == null || !v.isArray()) {
            throw new IllegalArgumentException("projector spec " + file + ": '" + key + "' must be an array of three numbers");
        }
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) v.get(i).asDouble();
        }
        return out;
    }
}
