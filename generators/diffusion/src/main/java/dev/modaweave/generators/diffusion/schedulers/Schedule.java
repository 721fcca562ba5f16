package dev.modaweave.generators.diffusion.schedulers;

import ai.djl.ndarray.NDArray;
import dev.modaweave.generators.diffusion.schedulers.TorchRandom;

/**
 * One call's walk through a {@link Scheduler}: the timesteps to visit and the update rule. Steps
 * are addressed by their index in {@link #timesteps()} (0 is the noisiest). Arrays are float32 and
 * never modified in place; results belong to the input's manager ({@link #scaleModelInput} may
 * return its input unchanged when the scheduler does not scale).
 */
public interface Schedule {

    /** The timesteps the model is called at, noisiest first (as floats; DDIM and LCM ones are whole numbers). */
    float[] timesteps();

    /** The number of steps. */
    default int size() {
        return timesteps().length;
    }

    /** The timestep of step {@code index}, as the model receives it. */
    default float timestep(int index) {
        return timesteps()[index];
    }

    /** The factor the initial standard-normal noise is multiplied by. */
    float initNoiseSigma();

    /** The model's input at step {@code index} (Euler schedulers divide by {@code sqrt(sigma^2 + 1)}). */
    NDArray scaleModelInput(NDArray sample, int index);

    /**
     * The sample after step {@code index}.
     *
     * @param modelOutput the model's prediction at {@link #timestep(int) timestep(index)}
     * @param random      where ancestral noise comes from; may be {@code null} for DDIM and Euler
     */
    NDArray step(NDArray modelOutput, int index, NDArray sample, TorchRandom random);

    /**
     * The factor {@link #scaleModelInput} divides the sample by at step {@code index} (1 when it does not scale).
     */
    default float inputDivisor(int index) {
        return 1f;
    }

    /**
     * Step {@code index} as an elementwise rule over host arrays, the same arithmetic as {@link #step} in
     * the same float order: runs on the CPU take it, one pass over the latents instead of a chain of
     * tensor operations, each a native call. {@code null} when the schedule has none.
     */
    default HostStep hostStep(int index) {
        return null;
    }

    /**
     * An elementwise update of the latents on the host.
     *
     * @param noisy  whether the update adds fresh standard-normal noise; the caller draws it from the run's
     *               {@link TorchRandom} in the order {@link #step} would (row-major over the stepped shape)
     * @param update the arithmetic: {@code next[k]} from {@code sample[k]}, {@code modelOutput[k]}, {@code noise[k]}
     */
    record HostStep(boolean noisy, Update update) {
        /** A noiseless update. */
        public static HostStep of(Update update) {
            return new HostStep(false, update);
        }

        /** An update that adds noise. */
        public static HostStep withNoise(Update update) {
            return new HostStep(true, update);
        }

        /** Writes the next sample. */
        public void apply(float[] modelOutput, float[] sample, float[] noise, float[] next) {
            update.apply(modelOutput, sample, noise, next);
        }
    }

    /** The arithmetic of a {@link HostStep}. */
    @FunctionalInterface
    interface Update {
        void apply(float[] modelOutput, float[] sample, float[] noise, float[] next);
    }

    /** The clean {@code original} noised to the level of step {@code index} (image editing starts there). */
    NDArray addNoise(NDArray original, NDArray noise, int index);
}
