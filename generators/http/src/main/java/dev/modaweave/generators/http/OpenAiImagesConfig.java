package dev.modaweave.generators.http;

import dev.modaweave.tools.Tasks;

import java.util.Objects;

/**
 * Settings of an {@link OpenAiImagesTool} for any OpenAI-compatible images API. The base URL is
 * the server without {@code /v1} (e.g. {@code https://api.openai.com}, {@code http://127.0.0.1:8080}).
 *
 * @param http           shared settings; task {@code text-to-image} ({@code /v1/images/generations}) or {@code image-edit} ({@code /v1/images/edits})
 * @param model          model name, e.g. {@code gpt-image-1}, {@code dall-e-3}
 * @param size           image size, e.g. {@code 1024x1024}
 * @param responseFormat {@code b64_json} or {@code url}, or null to leave it to the server (models that always return base64 refuse the field)
 * @param quality        quality setting passed through, or null
 */
public record OpenAiImagesConfig(HttpToolSettings http, String model, String size, String responseFormat, String quality) {

    public OpenAiImagesConfig {
        Objects.requireNonNull(http, "http");
        if (!http.task().equals(Tasks.TEXT_TO_IMAGE) && !http.task().equals(Tasks.IMAGE_EDIT)) {
            throw new IllegalArgumentException("tool '" + http.name() + "': the OpenAI images API performs text-to-image or image-edit, not '"
                    + http.task() + "'");
        }
        Objects.requireNonNull(model, "model");
        if (size != null && !size.matches("\\d{2,5}x\\d{2,5}|auto")) {
            throw new IllegalArgumentException("tool '" + http.name() + "': size '" + size + "' must look like 1024x1024 or be auto");
        }
        if (responseFormat != null && !responseFormat.equals("b64_json") && !responseFormat.equals("url")) {
            throw new IllegalArgumentException("tool '" + http.name() + "': responseFormat '" + responseFormat + "' must be b64_json or url");
        }
    }

    public boolean edits() {
        return http.task().equals(Tasks.IMAGE_EDIT);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder; defaults: name {@code openai-images}, {@code https://api.openai.com}, key from {@code OPENAI_API_KEY}, {@code gpt-image-1}, 1024x1024. */
    public static final class Builder extends HttpToolSettings.Builder<Builder> {
        private String model = "gpt-image-1";
        private String size = "1024x1024";
        private String responseFormat;
        private String quality;

        @Override
        protected Builder self() { return this; }

        public Builder model(String model) { this.model = model; return this; }
        public Builder size(String size) { this.size = size; return this; }
        public Builder responseFormat(String responseFormat) { this.responseFormat = responseFormat; return this; }
        public Builder quality(String quality) { this.quality = quality; return this; }

        public OpenAiImagesConfig build() {
            return new OpenAiImagesConfig(settings("openai-images", Tasks.TEXT_TO_IMAGE, "https://api.openai.com",
                    ApiKey.fromEnv("OPENAI_API_KEY")), model, size, responseFormat, quality);
        }
    }
}
