package dev.modaweave.generators.diffusion.schedulers;

import ai.djl.ndarray.NDArray;

/**
 * A {@link Schedule} over a fixed array of timesteps, noisiest first: the bookkeeping every scheduler
 * shares (the plan, its size, one timestep) with unit initial noise and an unscaled model input, which
 * schedulers that scale (Euler) override. Subclasses give the update rule and the forward noising.
 */
abstract class PlannedSchedule implements Schedule {

    /** The timesteps, never modified after construction. */
    final float[] plan;

    PlannedSchedule(float[] plan) {
        this.plan = plan;
    }

    @Override
    public float[] timesteps() {
        return plan.clone();
    }

    @Override
    public int size() {
        return plan.length;
    }

    @Override
    public float timestep(int index) {
        return plan[index];
    }

    @Override
    public float initNoiseSigma() {
        return 1f;
    }

    @Override
    public NDArray scaleModelInput(NDArray sample, int index) {
        return sample;
    }

    /** Fresh standard-normal noise of {@code like}'s shape from {@code random}, in {@code sample}'s manager. */
    static NDArray freshNoise(TorchRandom random, NDArray like, NDArray sample) {
        return sample.getManager().create(random.normal(like.getShape().getShape()), like.getShape());
    }
}
