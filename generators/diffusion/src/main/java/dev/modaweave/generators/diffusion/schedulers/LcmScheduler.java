package dev.modaweave.generators.diffusion.schedulers;

import ai.djl.ndarray.NDArray;
import dev.modaweave.generators.diffusion.schedulers.TorchRandom;

import java.util.Objects;

/**
 * The latent consistency model sampler, as diffusers' {@code LCMScheduler}: timesteps chosen among
 * the {@code original_inference_steps} skipping-step grid (1 to 8 steps is the useful range, 4 the
 * usual), a consistency boundary condition ({@code timestep_scaling}) and fresh noise between steps.
 */
final class LcmScheduler implements Scheduler {

    private final SchedulerConfig config;
    private final TrainingSchedule training;
    private final float finalAlphaCumprod;
    private final PredictionType prediction;
    private final boolean clip;
    private final float clipRange;

    LcmScheduler(SchedulerConfig config) {
        this.config = config;
        this.training = TrainingSchedule.of(config, 0.00085, 0.012, "scaled_linear");
        this.finalAlphaCumprod = config.flag("set_alpha_to_one", true) ? 1f : training.alphasCumprod[0];
        this.prediction = config.predictionType();
        this.clip = config.flag("clip_sample", false);
        this.clipRange = (float) config.number("clip_sample_range", 1.0);
        if (config.flag("thresholding", false)) {
            throw new IllegalArgumentException("LCM thresholding is not supported; set thresholding to false");
        }
    }

    @Override
    public String name() {
        return "lcm";
    }

    @Override
    public SchedulerConfig config() {
        return config;
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
        return new Schedule() {
            @Override
            public float[] timesteps() {
                return timesteps.clone();
            }

            @Override
            public int size() {
                return timesteps.length;
            }

            @Override
            public float timestep(int index) {
                return timesteps[index];
            }

            @Override
            public float initNoiseSigma() {
                return 1f;
            }

            @Override
            public NDArray scaleModelInput(NDArray sample, int index) {
                return sample;
            }

            @Override
            public NDArray step(NDArray modelOutput, int index, NDArray sample, TorchRandom random) {
                int t = (int) timesteps[index];
                int prev = index + 1 < timesteps.length ? (int) timesteps[index + 1] : t;
                float alpha = training.alphasCumprod[t];
                float alphaPrev = prev >= 0 ? training.alphasCumprod[prev] : finalAlphaCumprod;
                float sqrtAlpha = (float) Math.sqrt(alpha);
                float sqrtBeta = (float) Math.sqrt(1 - alpha);
                double scaled = t * scaling;
                double cSkip = 0.25 / (scaled * scaled + 0.25);
                double cOut = scaled / Math.sqrt(scaled * scaled + 0.25);
                NDArray predicted = switch (prediction) {
                    case EPSILON -> sample.sub(modelOutput.mul(sqrtBeta)).div(sqrtAlpha);
                    case V_PREDICTION -> sample.mul(sqrtAlpha).sub(modelOutput.mul(sqrtBeta));
                    case SAMPLE -> modelOutput;
                };
                if (clip) {
                    predicted = predicted.clip(-clipRange, clipRange);
                }
                NDArray denoised = predicted.mul((float) cOut).add(sample.mul((float) cSkip));
                if (index == timesteps.length - 1) {
                    return denoised;
                }
                Objects.requireNonNull(random, "LCM needs a noise source between steps");
                NDArray noise = sample.getManager().create(random.normal(modelOutput.getShape().getShape()),
                        modelOutput.getShape());
                return denoised.mul((float) Math.sqrt(alphaPrev)).add(noise.mul((float) Math.sqrt(1 - alphaPrev)));
            }

            @Override
            public NDArray addNoise(NDArray original, NDArray noise, int index) {
                float alpha = training.alphasCumprod[(int) timesteps[index]];
                return original.mul((float) Math.sqrt(alpha)).add(noise.mul((float) Math.sqrt(1 - alpha)));
            }
        };
    }
}
