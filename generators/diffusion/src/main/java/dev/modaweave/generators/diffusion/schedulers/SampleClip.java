package dev.modaweave.generators.diffusion.schedulers;

import ai.djl.ndarray.NDArray;

/**
 * diffusers' {@code clip_sample} and {@code clip_sample_range}: whether, and to what symmetric range,
 * the predicted clean sample is clipped.
 *
 * @param on    whether clipping applies
 * @param range the bound of {@code [-range, range]}
 */
record SampleClip(boolean on, float range) {

    /** The config's clipping, {@code clip_sample} defaulting to {@code defaultOn} and the range to 1. */
    static SampleClip of(SchedulerConfig config, boolean defaultOn) {
        return new SampleClip(config.flag("clip_sample", defaultOn), (float) config.number("clip_sample_range", 1.0));
    }

    /** {@code original} clipped when clipping is on, else itself. */
    NDArray apply(NDArray original) {
        return on ? original.clip(-range, range) : original;
    }

    /** One element clipped when clipping is on. */
    float apply(float original) {
        return on ? Math.max(-range, Math.min(range, original)) : original;
    }
}
