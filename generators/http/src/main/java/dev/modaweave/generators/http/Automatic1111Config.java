package dev.modaweave.generators.http;

import dev.modaweave.tools.Tasks;

import java.util.Objects;

/**
 * Settings of an {@link Automatic1111Tool} (AUTOMATIC1111 web UI or Forge started with {@code --api}).
 * The API key, when the server uses {@code --api-auth}, is {@code user:password} and is sent as
 * HTTP Basic authentication.
 *
 * @param http           shared settings; task {@code text-to-image} ({@code txt2img}) or {@code image-edit} ({@code img2img}, SDEdit)
 * @param checkpoint     model checkpoint to switch to for each call, or null for the server's current one
 * @param sampler        sampler name, e.g. {@code "Euler a"}
 * @param steps          default sampling steps
 * @param cfgScale       classifier-free guidance scale
 * @param width          default width in pixels
 * @param height         default height in pixels
 * @param negativePrompt default negative prompt
 */
public record Automatic1111Config(
        HttpToolSettings http,
        String checkpoint,
        String sampler,
        int steps,
        double cfgScale,
        int width,
        int height,
        String negativePrompt) {

    public Automatic1111Config {
        Objects.requireNonNull(http, "http");
        if (!http.task().equals(Tasks.TEXT_TO_IMAGE) && !http.task().equals(Tasks.IMAGE_EDIT)) {
            throw new IllegalArgumentException("tool '" + http.name() + "': AUTOMATIC1111 performs text-to-image or image-edit, not '"
                    + http.task() + "'");
        }
        Objects.requireNonNull(sampler, "sampler");
        if (steps < 1 || steps > 150) {
            throw new IllegalArgumentException("tool '" + http.name() + "': steps " + steps + " must be 1 to 150");
        }
        if (width < 64 || width > 2048 || height < 64 || height > 2048) {
            throw new IllegalArgumentException("tool '" + http.name() + "': size " + width + "x" + height + " must be 64 to 2048 per side");
        }
        negativePrompt = Objects.requireNonNullElse(negativePrompt, "");
    }

    /** Whether the tool edits an input image ({@code img2img}). */
    public boolean edits() {
        return http.task().equals(Tasks.IMAGE_EDIT);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder; defaults: name {@code a1111}, {@code http://127.0.0.1:7860}, text-to-image, Euler a, 20 steps, CFG 7, 512×512. */
    public static final class Builder extends HttpToolSettings.Builder<Builder> {
        private String checkpoint;
        private String sampler = "Euler a";
        private int steps = 20;
        private double cfgScale = 7;
        private int width = 512;
        private int height = 512;
        private String negativePrompt = "";

        @Override
        protected Builder self() { return this; }

        public Builder checkpoint(String checkpoint) { this.checkpoint = checkpoint; return this; }
        public Builder sampler(String sampler) { this.sampler = sampler; return this; }
        public Builder steps(int steps) { this.steps = steps; return this; }
        public Builder cfgScale(double cfgScale) { this.cfgScale = cfgScale; return this; }
        public Builder width(int width) { this.width = width; return this; }
        public Builder height(int height) { this.height = height; return this; }
        public Builder negativePrompt(String negativePrompt) { this.negativePrompt = negativePrompt; return this; }

        public Automatic1111Config build() {
            return new Automatic1111Config(settings("a1111", Tasks.TEXT_TO_IMAGE, "http://127.0.0.1:7860", ApiKey.none()),
                    checkpoint, sampler, steps, cfgScale, width, height, negativePrompt);
        }
    }
}
