package dev.modaweave.generators.diffusion;

/**
 * What a {@link DiffusionPipeline} run produced: the decoded tensor (image {@code [1, 3, H, W]} in
 * -1..1, waveform {@code [1, samples]}, or video frames {@code [F, 3, H, W]} in -1..1), the final
 * latents, and how long the loop and its neural calls took.
 *
 * @param values      decoded values, row-major
 * @param shape       their dimensions
 * @param latents     the final latents
 * @param latentShape their dimensions
 * @param timings     loop and UNet time
 */
public record DiffusionOutput(float[] values, long[] shape, float[] latents, long[] latentShape, Timings timings) {

    /**
     * Where the denoising loop spent its time.
     *
     * @param steps         steps run
     * @param loopNanos     the whole loop (conditioning and decoding excluded)
     * @param unetNanos     the UNet calls inside it
     * @param stepNanos     each step's time, from its cancellation check to its scheduler update
     * @param unetStepNanos each step's UNet call
     */
    public record Timings(int steps, long loopNanos, long unetNanos, long[] stepNanos, long[] unetStepNanos) {
        public Timings {
            stepNanos = stepNanos.clone();
            unetStepNanos = unetStepNanos.clone();
        }

        @Override
        public long[] stepNanos() {
            return stepNanos.clone();
        }

        @Override
        public long[] unetStepNanos() {
            return unetStepNanos.clone();
        }

        /** Loop time over UNet time: 1.0 would mean the Java side costs nothing. */
        public double ratio() {
            return unetNanos == 0 ? Double.NaN : (double) loopNanos / unetNanos;
        }
    }
}
