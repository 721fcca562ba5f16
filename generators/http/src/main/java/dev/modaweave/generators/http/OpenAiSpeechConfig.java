package dev.modaweave.generators.http;

import dev.modaweave.tools.Tasks;

import java.util.Objects;
import java.util.Set;

/**
 * Settings of an {@link OpenAiSpeechTool} for any OpenAI-compatible {@code /v1/audio/speech} API.
 *
 * @param http   shared settings; task {@code text-to-speech}
 * @param model  model name, e.g. {@code gpt-4o-mini-tts}, {@code tts-1}
 * @param voice  default voice, e.g. {@code alloy}
 * @param format audio format asked for: {@code wav}, {@code mp3}, {@code flac} or {@code opus}
 */
public record OpenAiSpeechConfig(HttpToolSettings http, String model, String voice, String format) {

    private static final Set<String> FORMATS = Set.of("wav", "mp3", "flac", "opus");

    public OpenAiSpeechConfig {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(voice, "voice");
        if (!FORMATS.contains(format)) {
            throw new IllegalArgumentException("tool '" + http.name() + "': format '" + format + "' must be one of " + FORMATS);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder; defaults: name {@code openai-speech}, {@code https://api.openai.com}, key from {@code OPENAI_API_KEY}, {@code tts-1}, voice alloy, WAV. */
    public static final class Builder extends HttpToolSettings.Builder<Builder> {
        private String model = "tts-1";
        private String voice = "alloy";
        private String format = "wav";

        @Override
        protected Builder self() { return this; }

        public Builder model(String model) { this.model = model; return this; }
        public Builder voice(String voice) { this.voice = voice; return this; }
        public Builder format(String format) { this.format = format; return this; }

        public OpenAiSpeechConfig build() {
            return new OpenAiSpeechConfig(settings("openai-speech", Tasks.TEXT_TO_SPEECH, "https://api.openai.com",
                    ApiKey.fromEnv("OPENAI_API_KEY")), model, voice, format);
        }
    }
}
