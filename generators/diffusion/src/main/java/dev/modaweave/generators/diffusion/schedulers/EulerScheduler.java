package dev.modaweave.generators.diffusion.schedulers;

import ai.djl.ndarray.NDArray;
import dev.modaweave.generators.diffusion.schedulers.TorchRandom;

import java.util.Objects;

/**
 * The Euler sampler over Karras-style sigmas, as diffusers' {@code EulerDiscreteScheduler}, and its
 * ancestral variant ({@code EulerAncestralDiscreteScheduler}, which adds fresh noise at every step and
 * is what SD-Turbo samples with, one to four steps with {@code trailing} spacing). Timestep spacing
 * {@code linspace} (default), {@code leading} or {@code trailing}; epsilon or v prediction (the plain
 * Euler sampler also takes sample prediction); sigmas interpolated linearly between training timesteps.
 */
final class EulerScheduler extends NamedScheduler {

    private final boolean ancestral;
    private final float[] trainingSigmas;
    private final PredictionType prediction;
    private final String spacing;

    EulerScheduler(SchedulerConfig config, boolean ancestral) {
        super(ancestral ? "euler-ancestral" : "euler", config);
        this.ancestral = ancestral;
        TrainingSchedule training = TrainingSchedule.of(config, 0.0001, 0.02, "linear");
        this.trainingSigmas = new float[training.alphasCumprod.length];
        for (int i = 0; i < trainingSigmas.length; i++) {
            float a = training.alphasCumprod[i];
            trainingSigmas[i] = (float) Math.sqrt((1 - a) / a);
        }
        this.prediction = config.predictionType();
        this.spacing = config.timestepSpacing("linspace");
        if (ancestral && prediction == PredictionType.SAMPLE) {
            throw new IllegalArgumentException("prediction_type 'sample' is not supported by Euler ancestral; use epsilon or v_prediction");
        }
        for (String key : new String[]{"use_karras_sigmas", "use_exponential_sigmas", "use_beta_sigmas"}) {
            if (config.flag(key, false)) {
                throw new IllegalArgumentException(key + " is not supported; set it to false");
            }
        }
        if (!config.text("interpolation_type").orElse("linear").equals("linear")) {
            throw new IllegalArgumentException("interpolation_type '" + config.text("interpolation_type").orElseThrow()
                    + "' is not supported; use linear");
        }
        if (!config.text("timestep_type").orElse("discrete").equals("discrete")) {
            throw new IllegalArgumentException("timestep_type '" + config.text("timestep_type").orElseThrow()
                    + "' is not supported; use discrete");
        }
        if (!config.text("final_sigmas_type").orElse("zero").equals("zero")) {
            throw new IllegalArgumentException("final_sigmas_type '" + config.text("final_sigmas_type").orElseThrow()
                    + "' is not supported; use zero");
        }
    }

    @Override
    public Schedule schedule(int steps) {
        int n = config.numTrainTimesteps();
        TrainingSchedule.requireSteps(steps, n);
        float[] timesteps = TrainingSchedule.spacedTimesteps(spacing, n, steps, config.stepsOffset(), false,
                "Euler; use linspace, leading or trailing");
        float[] sigmas = new float[timesteps.length + 1];
        float max = 0;
        for (int i = 0; i < timesteps.length; i++) {
            sigmas[i] = (float) interpolate(timesteps[i]);
            max = Math.max(max, sigmas[i]);
        }
        float initSigma = spacing.equals("leading") ? (float) Math.sqrt(max * max + 1) : max;
        return new PlannedSchedule(timesteps) {
            @Override
            public float initNoiseSigma() {
                return initSigma;
            }

            @Override
            public NDArray scaleModelInput(NDArray sample, int index) {
                float sigma = sigmas[index];
                return sample.div((float) Math.sqrt(sigma * sigma + 1));
            }

            @Override
            public NDArray step(NDArray modelOutput, int index, NDArray sample, TorchRandom random) {
                float sigma = sigmas[index];
                if (!ancestral && prediction == PredictionType.EPSILON) {
                    // (sample - original) / sigma is the model output itself: one scaled add
                    return sample.add(modelOutput.mul(sigmas[index + 1] - sigma));
                }
                NDArray original = switch (prediction) {
                    case EPSILON -> sample.sub(modelOutput.mul(sigma));
                    case V_PREDICTION -> modelOutput.mul(-sigma / (float) Math.sqrt(sigma * sigma + 1))
                            .add(sample.div(sigma * sigma + 1));
                    case SAMPLE -> modelOutput;
                };
                NDArray derivative = sample.sub(original).div(sigma);
                if (!ancestral) {
                    return sample.add(derivative.mul(sigmas[index + 1] - sigma));
                }
                Objects.requireNonNull(random, "Euler ancestral needs a noise source");
                float from = sigma;
                float to = sigmas[index + 1];
                float up = (float) Math.sqrt(to * to * (from * from - to * to) / (from * from));
                float down = (float) Math.sqrt(to * to - up * up);
                NDArray next = sample.add(derivative.mul(down - sigma));
                NDArray noise = freshNoise(random, modelOutput, sample);
                return next.add(noise.mul(up));
            }

            @Override
            public float inputDivisor(int index) {
                float sigma = sigmas[index];
                return (float) Math.sqrt(sigma * sigma + 1);
            }

            @Override
            public HostStep hostStep(int index) {
                float sigma = sigmas[index];
                float to = sigmas[index + 1];
                if (!ancestral && prediction == PredictionType.EPSILON) {
                    float d = to - sigma;
                    return HostStep.of((o, x, z, next) -> {
                        for (int k = 0; k < next.length; k++) {
                            next[k] = x[k] + o[k] * d;
                        }
                    });
                }
                float vOnOutput = -sigma / (float) Math.sqrt(sigma * sigma + 1);
                float vDivisor = sigma * sigma + 1;
                float up = ancestral ? (float) Math.sqrt(to * to * (sigma * sigma - to * to) / (sigma * sigma)) : 0f;
                float move = ancestral ? (float) Math.sqrt(to * to - up * up) - sigma : to - sigma;
                Update update = (o, x, z, next) -> {
                    for (int k = 0; k < next.length; k++) {
                        float original = switch (prediction) {
                            case EPSILON -> x[k] - o[k] * sigma;
                            case V_PREDICTION -> o[k] * vOnOutput + x[k] / vDivisor;
                            case SAMPLE -> o[k];
                        };
                        float stepped = x[k] + (x[k] - original) / sigma * move;
                        next[k] = ancestral ? stepped + z[k] * up : stepped;
                    }
                };
                return ancestral ? HostStep.withNoise(update) : HostStep.of(update);
            }

            @Override
            public NDArray addNoise(NDArray original, NDArray noise, int index) {
                return original.add(noise.mul(sigmas[index]));
            }
        };
    }

    /** numpy's interp of the training sigmas at a (fractional) timestep. */
    private double interpolate(double t) {
        int last = trainingSigmas.length - 1;
        if (t <= 0) {
            return trainingSigmas[0];
        }
        if (t >= last) {
            return trainingSigmas[last];
        }
        int j = (int) Math.floor(t);
        if (t == j) {
            return trainingSigmas[j];
        }
        double slope = (double) trainingSigmas[j + 1] - trainingSigmas[j];
        return slope * (t - j) + trainingSigmas[j];
    }
}
