package dev.modaweave.generators.diffusion.schedulers;

import ai.djl.ndarray.NDArray;
import dev.modaweave.generators.diffusion.schedulers.TorchRandom;

/**
 * Deterministic DDIM ({@code eta = 0}), as diffusers' {@code DDIMScheduler}: {@code leading},
 * {@code trailing} or {@code linspace} timestep spacing, {@code steps_offset}, {@code clip_sample},
 * {@code set_alpha_to_one}, epsilon / v / sample prediction.
 */
final class DdimScheduler extends AlphaScheduler {

    private final String spacing;

    DdimScheduler(SchedulerConfig config) {
        super("ddim", "DDIM", config, 0.0001, 0.02, "linear", true);
        this.spacing = config.timestepSpacing("leading");
    }

    @Override
    public Schedule schedule(int steps) {
        int n = config.numTrainTimesteps();
        TrainingSchedule.requireSteps(steps, n);
        float[] timesteps = TrainingSchedule.spacedTimesteps(spacing, n, steps, config.stepsOffset(), true,
                "DDIM; use leading, trailing or linspace");
        int stride = n / steps;
        return new PlannedSchedule(timesteps) {
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
                if (!clip.on() && prediction != PredictionType.SAMPLE) {
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
                NDArray original = TrainingSchedule.predictOriginal(prediction, modelOutput, sample, sqrtAlpha, sqrtBeta);
                NDArray epsilon = switch (prediction) {
                    case EPSILON -> modelOutput;
                    case V_PREDICTION -> modelOutput.mul(sqrtAlpha).add(sample.mul(sqrtBeta));
                    case SAMPLE -> sample.sub(original.mul(sqrtAlpha)).div(sqrtBeta);
                };
                original = clip.apply(original);
                NDArray direction = epsilon.mul(sqrtDirection);
                return original.mul(sqrtAlphaPrev).add(direction);
            }

            @Override
            public HostStep hostStep(int index) {
                int t = (int) plan[index];
                int prev = t - stride;
                float alpha = training.alphasCumprod[t];
                float alphaPrev = prev >= 0 ? training.alphasCumprod[prev] : finalAlphaCumprod;
                float sqrtAlpha = (float) Math.sqrt(alpha);
                float sqrtBeta = (float) Math.sqrt(1 - alpha);
                float sqrtAlphaPrev = (float) Math.sqrt(alphaPrev);
                float sqrtDirection = (float) Math.sqrt(1 - alphaPrev);
                if (!clip.on() && prediction != PredictionType.SAMPLE) {
                    float onSample = prediction == PredictionType.EPSILON ? sqrtAlphaPrev / sqrtAlpha
                            : sqrtAlphaPrev * sqrtAlpha + sqrtDirection * sqrtBeta;
                    float onOutput = prediction == PredictionType.EPSILON ? sqrtDirection - sqrtAlphaPrev * sqrtBeta / sqrtAlpha
                            : sqrtDirection * sqrtAlpha - sqrtAlphaPrev * sqrtBeta;
                    return HostStep.of((o, x, z, next) -> {
                        for (int k = 0; k < next.length; k++) {
                            next[k] = x[k] * onSample + o[k] * onOutput;
                        }
                    });
                }
                return HostStep.of((o, x, z, next) -> {
                    for (int k = 0; k < next.length; k++) {
                        float original = TrainingSchedule.predictOriginal(prediction, o[k], x[k], sqrtAlpha, sqrtBeta);
                        float epsilon = switch (prediction) {
                            case EPSILON -> o[k];
                            case V_PREDICTION -> o[k] * sqrtAlpha + x[k] * sqrtBeta;
                            case SAMPLE -> (x[k] - original * sqrtAlpha) / sqrtBeta;
                        };
                        next[k] = clip.apply(original) * sqrtAlphaPrev + epsilon * sqrtDirection;
                    }
                });
            }

            @Override
            public NDArray addNoise(NDArray original, NDArray noise, int index) {
                return training.addNoise(original, noise, (int) plan[index]);
            }
        };
    }
}
