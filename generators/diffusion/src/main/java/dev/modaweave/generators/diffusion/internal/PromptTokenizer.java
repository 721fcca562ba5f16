package dev.modaweave.generators.diffusion.internal;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modaweave.generators.diffusion.DiffusionModelException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns a prompt into the fixed-length token ids and attention mask a text encoder takes, with the
 * model's own {@code tokenizer.json} (run by the Hugging Face tokenizers library inside DJL's jar,
 * offline) and the pad token and length of its {@code tokenizer_config.json}: pad ids differ per
 * model family (CLIP of SD 1.x pads with its end token, 49407; SD 2.x with {@code !}; RoBERTa with
 * {@code <pad>}), so they are never guessed.
 */
public final class PromptTokenizer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;
    private final long padId;

    /** The token ids and attention mask of one prompt, both {@code maxLength} long. */
    public record Tokens(long[] ids, long[] mask) {
    }

    private PromptTokenizer(HuggingFaceTokenizer tokenizer, int maxLength, long padId) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.padId = padId;
    }

    /**
     * Loads {@code tokenizer.json} and {@code tokenizer_config.json} from a directory.
     *
     * @throws DiffusionModelException when a file is missing or names a pad token the vocabulary lacks
     */
    public static PromptTokenizer load(Path directory) {
        Path json = directory.resolve("tokenizer.json");
        Path config = directory.resolve("tokenizer_config.json");
        if (!Files.isRegularFile(json)) {
            String hint = Files.isRegularFile(directory.resolve("vocab.json"))
                    ? "; vocab.json + merges.txt make a wrong CLIP tokenizer, export tokenizer.json with scripts/export_diffusers.py"
                    : "";
            throw new DiffusionModelException("tokenizer directory " + directory + " has no tokenizer.json" + hint);
        }
        if (!Files.isRegularFile(config)) {
            throw new DiffusionModelException("tokenizer directory " + directory + " has no tokenizer_config.json; "
                    + "it gives the pad token and length, export it with scripts/export_diffusers.py");
        }
        try {
            JsonNode cfg = JSON.readTree(Files.readString(config));
            JsonNode vocab = JSON.readTree(Files.readString(json));
            int maxLength = cfg.path("model_max_length").asInt(77);
            if (maxLength < 2 || maxLength > 4096) {
                maxLength = 77;
            }
            String padToken = token(cfg.get("pad_token"));
            if (padToken == null) {
                throw new DiffusionModelException("tokenizer_config.json in " + directory + " names no pad_token");
            }
            long padId = idOf(vocab, padToken);
            if (padId < 0) {
                throw new DiffusionModelException("pad_token '" + padToken + "' of " + config + " is not in the vocabulary of " + json);
            }
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(json)
                    .optAddSpecialTokens(true)
                    .optTruncation(true)
                    .optMaxLength(maxLength)
                    .optPadToMaxLength()
                    .build();
            return new PromptTokenizer(tokenizer, maxLength, padId);
        } catch (IOException | RuntimeException e) {
            if (e instanceof DiffusionModelException d) {
                throw d;
            }
            throw new DiffusionModelException("tokenizer in " + directory + " cannot be loaded: " + e.getMessage(), e);
        }
    }

    private static String token(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        return node.isObject() ? node.path("content").asText(null) : node.asText();
    }

    private static long idOf(JsonNode tokenizerJson, String token) {
        for (JsonNode added : tokenizerJson.path("added_tokens")) {
            if (token.equals(added.path("content").asText())) {
                return added.path("id").asLong();
            }
        }
        JsonNode id = tokenizerJson.path("model").path("vocab").get(token);
        return id != null && id.canConvertToLong() ? id.asLong() : -1;
    }

    /** The tokens of one prompt, truncated and padded to the model's length with its pad id. */
    public Tokens encode(String prompt) {
        Encoding encoding = tokenizer.encode(prompt);
        long[] rawIds = encoding.getIds();
        long[] rawMask = encoding.getAttentionMask();
        long[] ids = new long[maxLength];
        long[] mask = new long[maxLength];
        for (int i = 0; i < maxLength; i++) {
            boolean real = i < rawIds.length && rawMask[i] == 1;
            ids[i] = real ? rawIds[i] : padId;
            mask[i] = real ? 1 : 0;
        }
        return new Tokens(ids, mask);
    }

    /** Tokens per prompt. */
    public int maxLength() {
        return maxLength;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
