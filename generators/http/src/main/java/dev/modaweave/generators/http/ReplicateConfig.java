package dev.modaweave.generators.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.Tasks;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link ReplicateTool}: any Replicate model, addressed by {@code owner/name}
 * (official models, {@code POST /v1/models/{owner}/{name}/predictions}) or by a version id
 * ({@code POST /v1/predictions}).
 *
 * @param http        shared settings; the task defaults to text-to-image, -video or -audio after {@code output}
 * @param model       {@code owner/name}
 * @param version     a version id, or null to run the model's latest version
 * @param output      the modality of the model's output
 * @param input       fixed inputs merged into every prediction (e.g. {@code aspect_ratio}); the call's arguments win
 * @param promptInput the input name the prompt goes to (usually {@code prompt})
 * @param imageInput  the input name an input image goes to, as a data URI (usually {@code image})
 * @param preferWait  how long the create call asks Replicate to wait for the result ({@code Prefer: wait}); zero polls at once
 */
public record ReplicateConfig(
        HttpToolSettings http,
        String model,
        String version,
        Modality output,
        ObjectNode input,
        String promptInput,
        String imageInput,
        Duration preferWait) {

    public ReplicateConfig {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(model, "model");
        if (!model.matches("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("tool '" + http.name() + "': model '" + model + "' must be owner/name, e.g. black-forest-labs/flux-schnell");
        }
        if (version != null && !version.matches("[a-f0-9]{16,128}")) {
            throw new IllegalArgumentException("tool '" + http.name() + "': version '" + version + "' must be a hexadecimal version id");
        }
        Objects.requireNonNull(output, "output");
        if (output == Modality.TEXT) {
            throw new IllegalArgumentException("tool '" + http.name() + "': Replicate output must be image, video or audio");
        }
        input = input == null ? Json.object() : input.deepCopy();
        Objects.requireNonNull(promptInput, "promptInput");
        Objects.requireNonNull(imageInput, "imageInput");
        Objects.requireNonNull(preferWait, "preferWait");
        if (preferWait.isNegative() || preferWait.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("tool '" + http.name() + "': preferWait " + preferWait + " must be 0 to 60 seconds");
        }
        if (!preferWait.isZero() && preferWait.compareTo(http.readTimeout()) >= 0) {
            throw new IllegalArgumentException("tool '" + http.name() + "': preferWait " + preferWait
                    + " must be shorter than readTimeout " + http.readTimeout() + ", or the create call times out while Replicate waits");
        }
    }

    @Override
    public ObjectNode input() {
        return input.deepCopy();
    }

    /** Whether the model takes an input image. */
    public boolean takesImage() {
        return http.task().equals(Tasks.IMAGE_EDIT) || http.task().equals(Tasks.IMAGE_TO_VIDEO);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder; defaults: name {@code replicate}, {@code https://api.replicate.com}, key from {@code REPLICATE_API_TOKEN}, image output, wait 60 s. */
    public static final class Builder extends HttpToolSettings.Builder<Builder> {
        private String model;
        private String version;
        private Modality output = Modality.IMAGE;
        private ObjectNode input;
        private String promptInput = "prompt";
        private String imageInput = "image";
        private Duration preferWait = Duration.ofSeconds(60);

        @Override
        protected Builder self() { return this; }

        public Builder model(String model) { this.model = model; return this; }
        public Builder version(String version) { this.version = version; return this; }
        public Builder output(Modality output) { this.output = output; return this; }
        public Builder input(ObjectNode input) { this.input = input; return this; }
        public Builder promptInput(String name) { this.promptInput = name; return this; }
        public Builder imageInput(String name) { this.imageInput = name; return this; }
        public Builder preferWait(Duration wait) { this.preferWait = wait; return this; }

        public ReplicateConfig build() {
            if (model == null) {
                throw new IllegalArgumentException("a Replicate tool needs model: owner/name, e.g. black-forest-labs/flux-schnell");
            }
            String defaultTask = switch (output) {
                case VIDEO -> Tasks.TEXT_TO_VIDEO;
                case AUDIO -> Tasks.TEXT_TO_AUDIO;
                default -> Tasks.TEXT_TO_IMAGE;
            };
            return new ReplicateConfig(settings("replicate", defaultTask, "https://api.replicate.com",
                    ApiKey.fromEnv("REPLICATE_API_TOKEN")), model, version, output, input, promptInput, imageInput, preferWait);
        }
    }
}
