package dev.modaweave.generators.diffusion;

import dev.modaweave.generators.diffusion.schedulers.Scheduler;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * One run of a {@link DiffusionPipeline}. Unset values take the spec's defaults. The conditioning is
 * either text ({@code prompt}, {@code negativePrompt}) or precomputed {@link Embedding}s, so a learned
 * projector can drive the pipeline without a tokenizer.
 *
 * <pre>{@code
 * DiffusionRequest.builder().prompt("a red fox in the snow").seed(3).steps(4).guidanceScale(0).build();
 * }</pre>
 *
 * @param prompt          what to generate (null when {@code promptEmbedding} is given)
 * @param negativePrompt  what to steer away from under classifier-free guidance ("" by default)
 * @param promptEmbedding precomputed text-encoder output for the prompt, or null
 * @param negativeEmbedding precomputed output for the negative prompt, or null (then the negative prompt is encoded)
 * @param seed            seeds the host noise
 * @param steps           denoising steps, or empty for the spec's default
 * @param guidanceScale   classifier-free guidance; 1 or less runs the model once per step without it
 * @param width           pixels (image, video), or empty
 * @param height          pixels (image, video), or empty
 * @param strength        image-edit: the share of the schedule replayed over the input (0..1), or empty
 * @param image           image-edit: the picture to start from, or null
 * @param duration        text-to-audio: seconds, or empty
 * @param frames          text-to-video: frames, or empty
 * @param scheduler       overrides the spec's scheduler, or null
 */
public record DiffusionRequest(
        String prompt,
        String negativePrompt,
        Embedding promptEmbedding,
        Embedding negativeEmbedding,
        long seed,
        OptionalInt steps,
        OptionalDouble guidanceScale,
        OptionalInt width,
        OptionalInt height,
        OptionalDouble strength,
        BufferedImage image,
        OptionalDouble duration,
        OptionalInt frames,
        Scheduler scheduler) {

    public DiffusionRequest {
        if (prompt == null && promptEmbedding == null) {
            throw new IllegalArgumentException("a diffusion request needs a prompt or a prompt embedding");
        }
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        Objects.requireNonNull(steps, "steps");
        Objects.requireNonNull(guidanceScale, "guidanceScale");
        Objects.requireNonNull(width, "width");
        Objects.requireNonNull(height, "height");
        Objects.requireNonNull(strength, "strength");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(frames, "frames");
    }

    /**
     * A precomputed conditioning tensor: the text encoder's output for one prompt, e.g. {@code [1, 77, 768]}
     * for SD 1.x or {@code [1, 512]} for AudioLDM's CLAP embedding.
     *
     * @param values row-major values
     * @param shape  dimensions; their product is {@code values.length}
     */
    public record Embedding(float[] values, long[] shape) {
        public Embedding {
            Objects.requireNonNull(values, "values");
            shape = shape.clone();
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            if (n != values.length || shape.length == 0) {
                throw new IllegalArgumentException("embedding of shape " + Arrays.toString(shape) + " needs " + n
                        + " values, got " + values.length);
            }
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link DiffusionRequest}. */
    public static final class Builder {
        private String prompt;
        private String negativePrompt = "";
        private Embedding promptEmbedding;
        private Embedding negativeEmbedding;
        private long seed;
        private OptionalInt steps = OptionalInt.empty();
        private OptionalDouble guidanceScale = OptionalDouble.empty();
        private OptionalInt width = OptionalInt.empty();
        private OptionalInt height = OptionalInt.empty();
        private OptionalDouble strength = OptionalDouble.empty();
        private BufferedImage image;
        private OptionalDouble duration = OptionalDouble.empty();
        private OptionalInt frames = OptionalInt.empty();
        private Scheduler scheduler;

        public Builder prompt(String v) { prompt = v; return this; }
        public Builder negativePrompt(String v) { negativePrompt = v; return this; }
        public Builder promptEmbedding(Embedding v) { promptEmbedding = v; return this; }
        public Builder negativeEmbedding(Embedding v) { negativeEmbedding = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder steps(int v) { steps = OptionalInt.of(v); return this; }
        public Builder guidanceScale(double v) { guidanceScale = OptionalDouble.of(v); return this; }
        public Builder width(int v) { width = OptionalInt.of(v); return this; }
        public Builder height(int v) { height = OptionalInt.of(v); return this; }
        public Builder strength(double v) { strength = OptionalDouble.of(v); return this; }
        public Builder image(BufferedImage v) { image = v; return this; }
        public Builder duration(double v) { duration = OptionalDouble.of(v); return this; }
        public Builder frames(int v) { frames = OptionalInt.of(v); return this; }
        public Builder scheduler(Scheduler v) { scheduler = v; return this; }

        public DiffusionRequest build() {
            return new DiffusionRequest(prompt, negativePrompt, promptEmbedding, negativeEmbedding, seed, steps, guidanceScale,
                    width, height, strength, image, duration, frames, scheduler);
        }
    }
}
