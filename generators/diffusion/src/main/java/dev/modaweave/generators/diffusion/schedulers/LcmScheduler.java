package dev.modaweave.generators.diffusion.schedulers;

import ai.djl.ndarray.NDArray;
import dev.modaweave.generators.diffusion.schedulers.TorchRandom;

import java.util.Objects;

/**
 * The latent consistency model sampler, as diffusers' {@code LCMScheduler}: timesteps chosen among
 * the {@code original_inference_steps} skipping-step grid (1 to 8 steps is the useful range, 4 the
 * usual), a consistency boundary condition ({@code timestep_scaling}) and fresh noise between steps.
 */
final class LcmScheduler extends AlphaScheduler {

    LcmScheduler(SchedulerConfig config) {
        super("lcm", "LCM", config, 0.00085, 0.012, "scaled_linear", false);
    }

    @Override
    public Schedule schedule(int steps) {
        int n = config.numTrainTimesteps();
        int original = config.integer("original_inference_steps", 50);
        if (original > n || original < 1) {
            throw new IllegalArgumentException("original_inference_steps must be between 1 and " + n + ", got " + original);
        }
        TrainingSchedule.requireSteps(steps, original);
        int k = n / original;
        int[] origin = new int[original];
        for (int i = 0; i < original; i++) {
            origin[i] = (original - i) * k - 1;
        }
        float[] timesteps = new float[steps];
        for (int i = 0; i < steps; i++) {
            timesteps[i] = origin[(int) Math.floor((double) i * original / steps)];
        }
        double scaling = config.number("timestep_scaling", 10.0);
        return new PlannedSchedule(timesteps) {
            /** The coefficients of step {@code index}: the consistency boundary and the re-noising. */
            private float[] coefficients(int index) {
                int t = (int) plan[index];
                int prev = index + 1 < plan.length ? (int) plan[index + 1] : t;
                float alpha = training.alphasCumprod[t];
                float alphaPrev = prev >= 0 ? training.alphasCumprod[prev] : finalAlphaCumprod;
                double scaled = t * scaling;
                return new float[]{(float) Math.sqrt(alpha), (float) Math.sqrt(1 - alpha),
                        (float) (0.25 / (scaled * scaled + 0.25)), (float) (scaled / Math.sqrt(scaled * scaled + 0.25)),
                        (float) Math.sqrt(alphaPrev), (float) Math.sqrt(1 - alphaPrev)};
            }

            @Override
            public NDArray step(NDArray modelOutput, int index, NDArray sample, TorchRandom random) {
                float[] c = coefficients(index);
                NDArray predicted = clip.apply(TrainingSchedule.predictOriginal(prediction, modelOutput, sample, c[0], c[1]));
                NDArray denoised = predicted.mul(c[3]).add(sample.mul(c[2]));
                if (index == plan.length - 1) {
                    return denoised;
                }
                Objects.requireNonNull(random, "LCM needs a noise source between steps");
                NDArray noise = freshNoise(random, modelOutput, sample);
                return denoised.mul(c[4]).add(noise.mul(c[5]));
            }

            @Override
            public HostStep hostStep(int index) {
                float[] c = coefficients(index);
                float sqrtAlpha = c[0];
                float sqrtBeta = c[1];
                float cSkip = c[2];
                float cOut = c[3];
                float onDenoised = c[4];
                float onNoise = c[5];
                boolean last = index == plan.length - 1;
                Update update = (o, x, z, next) -> {
                    for (int k = 0; k < next.length; k++) {
                        float predicted = clip.apply(TrainingSchedule.predictOriginal(prediction, o[k], x[k], sqrtAlpha, sqrtBeta));
                        float denoised = predicted * cOut + x[k] * cSkip;
                        next[k] = last ? denoised : denoised * onDenoised + z[k] * onNoise;
                    }
                };
                return last ? HostStep.of(update) : HostStep.withNoise(update);
            }

            @Override
            public NDArray addNoise(NDArray original, NDArray noise, int index) {
                return training.addNoise(original, noise, (int) plan[index]);
            }
        };
    }
}
