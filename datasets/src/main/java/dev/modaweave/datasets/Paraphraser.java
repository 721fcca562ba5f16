package dev.modaweave.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import dev.modaweave.datasets.internal.RateLimiter;
import dev.modaweave.tools.Json;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Rewrites user requests with any LangChain4j {@link ChatModel}, so that instructions do not all
 * read like the templates.
 *
 * <p>Every answer is appended to a cache file (one JSON line per answer, flushed at once, keyed by
 * a hash of the model name, the instructions and the text) before it is used. A build that crashed
 * is resumed by running it again: the records are the same (the build is deterministic), cached
 * answers are reused and only missing ones are requested; a torn last line is skipped. Requests
 * are rate-limited; requests, cache hits, tokens and the estimated cost are counted. An answer that
 * does not look like a rewrite (empty, far longer, containing a meta-response) is not used.
 */
public final class Paraphraser implements AutoCloseable {

    /** The instructions given to the model. */
    public static final String INSTRUCTIONS = "Rewrite the user's request to an AI assistant in different words, "
            + "as a real person might type it. Keep the meaning, every described detail and any quoted text exactly; "
            + "do not answer the request, add nothing, and reply with the rewritten request only.";

    /**
     * Counters of a paraphraser.
     *
     * @param requests      model requests made
     * @param cacheHits     answers taken from the cache
     * @param rejected      answers not used
     * @param failures      requests that failed
     * @param inputTokens   tokens sent, as reported by the model
     * @param outputTokens  tokens received
     * @param estimatedCost cost at the configured prices
     */
    public record Stats(long requests, long cacheHits, long rejected, long failures, long inputTokens, long outputTokens,
                        double estimatedCost) {
    }

    private final ChatModel model;
    private final String modelName;
    private final RateLimiter limiter;
    private final double inputPricePerMillion;
    private final double outputPricePerMillion;
    private final Map<String, String> cache = new HashMap<>();
    private final BufferedWriter cacheOut;
    private long requests;
    private long cacheHits;
    private long rejected;
    private long failures;
    private long inputTokens;
    private long outputTokens;

    private Paraphraser(Builder b) {
        this.model = Objects.requireNonNull(b.model, "model");
        this.modelName = b.modelName;
        this.limiter = b.limiter != null ? b.limiter : RateLimiter.perSecond(b.requestsPerSecond);
        this.inputPricePerMillion = b.inputPricePerMillion;
        this.outputPricePerMillion = b.outputPricePerMillion;
        Objects.requireNonNull(b.cacheFile, "cacheFile");
        try {
            if (b.cacheFile.getParent() != null) {
                Files.createDirectories(b.cacheFile.getParent());
            }
            if (Files.exists(b.cacheFile)) {
                loadCache(b.cacheFile);
            }
            cacheOut = Files.newBufferedWriter(b.cacheFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the paraphrase cache " + b.cacheFile, e);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    private void loadCache(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                try {
                    JsonNode entry = Json.parse(line);
                    if (entry.path("key").isTextual() && entry.path("output").isTextual()) {
                        cache.put(entry.get("key").asText(), entry.get("output").asText());
                    }
                } catch (IllegalArgumentException tornLine) {
                    // a line cut short by a crash: its request is simply made again
                }
            }
        }
    }

    /** How many answers the cache holds. */
    public int cached() {
        return cache.size();
    }

    /**
     * A rewrite of {@code text}, or {@code text} itself when the model failed or its answer was not
     * usable.
     */
    public synchronized String paraphrase(String text) {
        String key = CaptionText.sha256Hex(modelName + "\u0000" + INSTRUCTIONS + "\u0000" + text);
        String answer = cache.get(key);
        if (answer != null) {
            cacheHits++;
        } else {
            limiter.acquire();
            requests++;
            try {
                ChatResponse response = model.chat(ChatRequest.builder()
                        .messages(SystemMessage.from(INSTRUCTIONS), UserMessage.from(text)).build());
                TokenUsage usage = response.tokenUsage();
                if (usage != null) {
                    inputTokens += usage.inputTokenCount() == null ? 0 : usage.inputTokenCount();
                    outputTokens += usage.outputTokenCount() == null ? 0 : usage.outputTokenCount();
                }
                answer = response.aiMessage() == null || response.aiMessage().text() == null ? "" : response.aiMessage().text();
            } catch (RuntimeException e) {
                failures++;
                return text;
            }
            remember(key, answer);
        }
        String cleaned = clean(answer);
        if (!usable(text, cleaned)) {
            rejected++;
            return text;
        }
        return cleaned;
    }

    private void remember(String key, String answer) {
        cache.put(key, answer);
        ObjectNode entry = Json.object().put("key", key).put("output", answer);
        try {
            cacheOut.write(Json.write(entry));
            cacheOut.write('\n');
            cacheOut.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the paraphrase cache", e);
        }
    }

    private static String clean(String answer) {
        String s = answer.strip();
        if (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("“") && s.endsWith("”"))) {
            s = s.substring(1, s.length() - 1).strip();
        }
        return s;
    }

    private static boolean usable(String original, String rewrite) {
        return !rewrite.isEmpty() && !rewrite.contains("\n\n") && !rewrite.contains("<meta")
                && rewrite.length() <= original.length() * 3 + 80 && !rewrite.equals(original);
    }

    /** The counters so far. */
    public synchronized Stats stats() {
        double cost = inputTokens / 1e6 * inputPricePerMillion + outputTokens / 1e6 * outputPricePerMillion;
        return new Stats(requests, cacheHits, rejected, failures, inputTokens, outputTokens, cost);
    }

    @Override
    public synchronized void close() {
        try {
            cacheOut.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Builder; {@code model} and {@code cacheFile} are required, 2 requests/s by default. */
    public static final class Builder {
        private ChatModel model;
        private String modelName = "model";
        private Path cacheFile;
        private double requestsPerSecond = 2;
        private RateLimiter limiter;
        private double inputPricePerMillion;
        private double outputPricePerMillion;

        public Builder model(ChatModel model) { this.model = model; return this; }
        /** The model's name, part of the cache key so that two models do not share answers. */
        public Builder modelName(String name) { this.modelName = name; return this; }
        public Builder cacheFile(Path file) { this.cacheFile = file; return this; }
        public Builder requestsPerSecond(double rate) { this.requestsPerSecond = rate; return this; }
        /** A limiter on another clock (tests). */
        public Builder rateLimiter(RateLimiter limiter) { this.limiter = limiter; return this; }
        /** Prices per million input and output tokens, for the cost estimate. */
        public Builder prices(double inputPerMillion, double outputPerMillion) {
            this.inputPricePerMillion = inputPerMillion;
            this.outputPricePerMillion = outputPerMillion;
            return this;
        }

        public Paraphraser build() {
            return new Paraphraser(this);
        }
    }
}
