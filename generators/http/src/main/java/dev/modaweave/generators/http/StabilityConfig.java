package dev.modaweave.generators.http;

import dev.modaweave.tools.Tasks;

import java.util.Objects;
import java.util.Set;

/**
 * Settings of a {@link StabilityTool} for the Stability AI v2beta image API.
 *
 * @param http         shared settings; task {@code text-to-image}, or {@code image-edit} (image-to-image, needs service {@code sd3})
 * @param service      the generate service: {@code core}, {@code ultra} or {@code sd3}
 * @param outputFormat {@code png}, {@code jpeg} or {@code webp}
 * @param aspectRatio  e.g. {@code 1:1}, {@code 16:9}, or null for the service's default
 * @param model        the sd3 model (e.g. {@code sd3.5-large}), or null
 */
public record StabilityConfig(HttpToolSettings http, String service, String outputFormat, String aspectRatio, String model) {

    private static final Set<String> SERVICES = Set.of("core", "ultra", "sd3");
    private static final Set<String> FORMATS = Set.of("png", "jpeg", "webp");

    public StabilityConfig {
        Objects.requireNonNull(http, "http");
        if (!SERVICES.contains(service)) {
            throw new IllegalArgumentException("tool '" + http.name() + "': service '" + service + "' must be one of " + SERVICES);
        }
        if (!FORMATS.contains(outputFormat)) {
            throw new IllegalArgumentException("tool '" + http.name() + "': outputFormat '" + outputFormat + "' must be one of " + FORMATS);
        }
        if (!http.task().equals(Tasks.TEXT_TO_IMAGE) && !http.task().equals(Tasks.IMAGE_EDIT)) {
            throw new IllegalArgumentException("tool '" + http.name() + "': Stability performs text-to-image or image-edit, not '" + http.task() + "'");
        }
        if (http.task().equals(Tasks.IMAGE_EDIT) && !service.equals("sd3")) {
            throw new IllegalArgumentException("tool '" + http.name() + "': image-edit uses Stability's image-to-image mode, which needs service sd3");
        }
    }

    public boolean edits() {
        return http.task().equals(Tasks.IMAGE_EDIT);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder; defaults: name {@code stability}, {@code https://api.stability.ai}, key from {@code STABILITY_API_KEY}, service core, PNG. */
    public static final class Builder extends HttpToolSettings.Builder<Builder> {
        private String service = "core";
        private String outputFormat = "png";
        private String aspectRatio;
        private String model;

        @Override
        protected Builder self() { return this; }

        public Builder service(String service) { this.service = service; return this; }
        public Builder outputFormat(String format) { this.outputFormat = format; return this; }
        public Builder aspectRatio(String ratio) { this.aspectRatio = ratio; return this; }
        public Builder model(String model) { this.model = model; return this; }

        public StabilityConfig build() {
            return new StabilityConfig(settings("stability", Tasks.TEXT_TO_IMAGE, "https://api.stability.ai",
                    ApiKey.fromEnv("STABILITY_API_KEY")), service, outputFormat, aspectRatio, model);
        }
    }
}
