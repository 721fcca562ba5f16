package dev.modaweave.generators.http;

import dev.modaweave.tools.Tasks;

import java.util.Objects;

/**
 * Settings of an {@link OpenAiTranscriptionTool}: speech to text over the OpenAI-compatible
 * {@code POST /v1/audio/transcriptions} that OpenAI, whisper.cpp's server, faster-whisper servers
 * and vLLM speak.
 *
 * @param http     shared settings; task {@code audio-to-text}
 * @param model    the model, e.g. {@code whisper-1}, {@code gpt-4o-mini-transcribe}
 * @param language ISO-639-1 language of the speech, or empty to let the model detect it
 */
public record OpenAiTranscriptionConfig(HttpToolSettings http, String model, String language) {

    public OpenAiTranscriptionConfig {
        Objects.requireNonNull(http, "http");
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("tool '" + http.name() + "': model is required, e.g. whisper-1");
        }
        Objects.requireNonNull(language, "language");
        if (!language.isEmpty() && !language.matches("[a-z]{2}")) {
            throw new IllegalArgumentException("tool '" + http.name() + "': language '" + language
                    + "' must be a two-letter ISO-639-1 code such as en or de");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder; defaults: name {@code openai-transcription}, {@code https://api.openai.com}, key from {@code OPENAI_API_KEY}, {@code whisper-1}. */
    public static final class Builder extends HttpToolSettings.Builder<Builder> {
        private String model = "whisper-1";
        private String language = "";

        @Override
        protected Builder self() { return this; }

        public Builder model(String model) { this.model = model; return this; }
        public Builder language(String language) { this.language = language; return this; }

        public OpenAiTranscriptionConfig build() {
            return new OpenAiTranscriptionConfig(settings("openai-transcription", Tasks.AUDIO_TO_TEXT, "https://api.openai.com",
                    ApiKey.fromEnv("OPENAI_API_KEY")), model, language);
        }
    }
}
