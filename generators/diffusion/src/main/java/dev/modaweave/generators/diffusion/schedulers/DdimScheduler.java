package dev.modaweave.generators.diffusion.schedulers;

import ai.djl.ndarray.NDArray;
import dev.modaweave.generators.diffusion.schedulers.TorchRandom;

/**
 * Deterministic DDIM ({@code eta = 0}), as diffusers' {@code DDIMScheduler}: {@code leading},
 * {@code trailing} or {@code linspace} timestep spacing, {@code steps_offset}, {@code clip_sample},
 * {@code set_alpha_to_one}, epsilon / v / sample prediction.
 */
final class DdimScheduler implements Scheduler {

    private final SchedulerConfig config;
    private final TrainingSchedule training;
    private final float finalAlphaCumprod;
    private final PredictionType prediction;
    private final String spacing;
    private final boolean clip;
    private final float clipRange;

    DdimScheduler(SchedulerConfig config) {
        this.config = config;
        this.training = TrainingSchedule.of(config, 0.0001, 0.02, "linear");
        this.finalAlphaCumprod = config.flag("set_alpha_to_one", true) ? 1f : training.alphasCumprod[0];
        this.prediction = config.predictionType();
        this.spacing = config.timestepSpacing("leading");
        this.clip = config.flag("clip_sample", true);
        this.clipRange = (float) config.number("clip_sample_range", 1.0);
        if (config.flag("thresholding", false)) {
            throw new IllegalArgumentException("DDIM thresholding is not supported; set thresholding to false");
        }
    }

    @Override
    public String name() {
        return "ddim";
    }

    @Override
    public SchedulerConfig config() {
        return config;
    }

    @Override
    public Schedule schedule(int steps) {
        int n = config.numTrainTimesteps();
        TrainingSchedule.requireSteps(steps, n);
        float[] timesteps = new float[steps];
        switch (spacing) {
            case "linspace" -> {
                double[] values = TrainingSchedule.linspaceNumpy(0, n - 1, steps);
                for (int i = 0; i < steps; i++) {
                    timesteps[i] = (long) TrainingSchedule.roundHalfEven(values[steps - 1 - i]);
                }
            }
            case "leading" -> {
                int ratio = n / steps;
                for (int i = 0; i < steps; i++) {
                    timesteps[i] = (long) (steps - 1 - i) * ratio + config.stepsOffset();
                }
            }
            case "trailing" -> {
                double[] values = TrainingSchedule.arangeDown(n, 0, -(double) n / steps);
                timesteps = new float[values.length];
                for (int i = 0; i < values.length; i++) {
                    timesteps[i] = (long) TrainingSchedule.roundHalfEven(values[i]) - 1;
                }
            }
            default -> throw new IllegalArgumentException("timestep_spacing '" + spacing
                    + "' is not supported by DDIM; use leading, trailing or linspace");
        }
        int stride = n / steps;
        float[] plan = timesteps;
        return new Schedule() {
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

            @Override
            public NDArray step(NDArray modelOutput, int index, NDArray sample, TorchRandom random) {
                int t = (int) plan[index];
                int prev = t - stride;
                float alpha = training.alphasCumprod[t];
                float alphaPrev = prev >= 0 ? training.alphasCumprod[prev] : finalAlphaCumprod;
                float beta = 1 - alpha;
                float sqrtAlpha = (float) Math.sqrt(alpha);
                float sqrtBeta = (float) Math.sqrt(beta);
                float sqrtAlphaPrev = (float) Math.sqrt(alphaPrev);
                float sqrtDirection = (float) Math.sqrt(1 - alphaPrev);
                if (!clip && prediction != PredictionType.SAMPLE) {
                    // the update is linear in (sample, output) without clipping: two scaled tensors and a sum
                    // instead of six operations (the difference from the unfused form is float rounding)
                    float onSample;
                    float onOutput;
                    if (prediction == PredictionType.EPSILON) {
                        onSample = sqrtAlphaPrev / sqrtAlpha;
                        onOutput = sqrtDirection - sqrtAlphaPrev * sqrtBeta / sqrtAlpha;
                    } else {
                        onSample = sqrtAlphaPrev * sqrtAlpha + sqrtDirection * sqrtBeta;
                        onOutput = sqrtDirection * sqrtAlpha - sqrtAlphaPrev * sqrtBeta;
                    }
                    return sample.mul(onSample).add(modelOutput.mul(onOutput));
                }
                NDArray original;
                NDArray epsilon;
                switch (prediction) {
                    case EPSILON -> {
                        original = sample.sub(modelOutput.mul(sqrtBeta)).div(sqrtAlpha);
                        epsilon = modelOutput;
                    }
                    case V_PREDICTION -> {
                        original = sample.mul(sqrtAlpha).sub(modelOutput.mul(sqrtBeta));
                        epsilon = modelOutput.mul(sqrtAlpha).add(sample.mul(sqrtBeta));
                    }
                    default -> {
                        original = modelOutput;
                        epsilon = sample.sub(original.mul(sqrtAlpha)).div(sqrtBeta);
                    }
                }
                if (clip) {
                    original = original.clip(-clipRange, clipRange);
                }
                NDArray direction = epsilon.mul(sqrtDirection);
                return original.mul(sqrtAlphaPrev).add(direction);
            }

            @Override
            public NDArray addNoise(NDArray original, NDArray noise, int index) {
                float alpha = training.alphasCumprod[(int) plan[index]];
                return original.mul((float) Math.sqrt(alpha)).add(noise.mul((float) Math.sqrt(1 - alpha)));
            }
        };
    }
}
