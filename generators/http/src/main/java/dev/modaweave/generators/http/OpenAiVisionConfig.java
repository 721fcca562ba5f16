package dev.modaweave.generators.http;

import dev.modaweave.tools.Tasks;

import java.util.Objects;
import java.util.Set;

/**
 * Settings of an {@link OpenAiVisionTool}: a captioner over any OpenAI-compatible
 * {@code POST /v1/chat/completions} that takes image content (OpenAI, vLLM, Ollama with a vision
 * model, LM Studio).
 *
 * @param http      shared settings; task {@code image-to-text} (default) or {@code video-to-text}
 * @param model     the vision model, e.g. {@code gpt-4o-mini}, {@code llava:13b}, {@code Qwen/Qwen2.5-VL-7B-Instruct}
 * @param question  what the model is asked about each picture when a call asks nothing itself
 * @param maxTokens the longest caption, in tokens
 * @param frames    keyframes sampled from a video (video-to-text), 1 to 16
 * @param detail    OpenAI's image {@code detail}: {@code auto}, {@code low} or {@code high}
 */
public record OpenAiVisionConfig(HttpToolSettings http, String model, String question, int maxTokens, int frames,
                                 String detail) {

    private static final Set<String> DETAILS = Set.of("auto", "low", "high");
    private static final Set<String> TASKS = Set.of(Tasks.IMAGE_TO_TEXT, Tasks.VIDEO_TO_TEXT);

    public OpenAiVisionConfig {
        Objects.requireNonNull(http, "http");
        if (!TASKS.contains(http.task())) {
            throw new IllegalArgumentException("tool '" + http.name() + "': task '" + http.task() + "' must be one of " + TASKS);
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("tool '" + http.name() + "': model is required, e.g. gpt-4o-mini or llava:13b");
        }
        Objects.requireNonNull(question, "question");
        if (maxTokens < 1 || maxTokens > 4096) {
            throw new IllegalArgumentException("tool '" + http.name() + "': maxTokens " + maxTokens + " must be 1 to 4096");
        }
        if (frames < 1 || frames > 16) {
            throw new IllegalArgumentException("tool '" + http.name() + "': frames " + frames + " must be 1 to 16");
        }
        if (!DETAILS.contains(detail)) {
            throw new IllegalArgumentException("tool '" + http.name() + "': detail '" + detail + "' must be one of " + DETAILS);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builder; defaults: name {@code openai-vision} (or {@code openai-video-captions} for video-to-text),
     * {@code https://api.openai.com}, key from {@code OPENAI_API_KEY}, task image-to-text, 300 tokens,
     * 4 frames, detail auto.
     */
    public static final class Builder extends HttpToolSettings.Builder<Builder> {
        private String model;
        private String question = "Describe what this picture shows in one or two sentences: the subject, the setting, "
                + "notable colours, and any text in it.";
        private int maxTokens = 300;
        private int frames = 4;
        private String detail = "auto";

        @Override
        protected Builder self() { return this; }

        public Builder model(String model) { this.model = model; return this; }
        public Builder question(String question) { this.question = question; return this; }
        public Builder maxTokens(int maxTokens) { this.maxTokens = maxTokens; return this; }
        public Builder frames(int frames) { this.frames = frames; return this; }
        public Builder detail(String detail) { this.detail = detail; return this; }

        public OpenAiVisionConfig build() {
            String task = taskOr(Tasks.IMAGE_TO_TEXT);
            return new OpenAiVisionConfig(settings(task.equals(Tasks.VIDEO_TO_TEXT) ? "openai-video-captions" : "openai-vision",
                    Tasks.IMAGE_TO_TEXT, "https://api.openai.com", ApiKey.fromEnv("OPENAI_API_KEY")),
                    model, question, maxTokens, frames, detail);
        }
    }
}
