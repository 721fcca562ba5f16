package dev.modaweave.generators.diffusion.schedulers;

import ai.djl.ndarray.NDArray;

/**
 * The betas and cumulative alpha products of the training noise schedule, computed in float32
 * the way PyTorch does ({@code torch.linspace} from both ends, cumulative product accumulated in double).
 */
final class TrainingSchedule {

    final float[] betas;
    final float[] alphasCumprod;

    private TrainingSchedule(float[] betas) {
        this.betas = betas;
        this.alphasCumprod = new float[betas.length];
        double product = 1;
        for (int i = 0; i < betas.length; i++) {
            product *= 1.0f - betas[i];
            alphasCumprod[i] = (float) product;
        }
    }

    static TrainingSchedule of(SchedulerConfig config, double defaultStart, double defaultEnd, String defaultSchedule) {
        if (config.flag("rescale_betas_zero_snr", false)) {
            throw new IllegalArgumentException("rescale_betas_zero_snr is not supported; set it to false");
        }
        var trained = config.trainedBetas();
        if (trained.isPresent()) {
            return new TrainingSchedule(trained.get());
        }
        int n = config.numTrainTimesteps();
        if (n < 2) {
            throw new IllegalArgumentException("num_train_timesteps must be at least 2, got " + n);
        }
        double start = config.betaStart(defaultStart);
        double end = config.betaEnd(defaultEnd);
        String schedule = config.betaSchedule(defaultSchedule);
        return switch (schedule) {
            case "linear" -> new TrainingSchedule(linspace((float) start, (float) end, n));
            case "scaled_linear" -> {
                float[] roots = linspace((float) Math.sqrt(start), (float) Math.sqrt(end), n);
                for (int i = 0; i < n; i++) {
                    roots[i] = roots[i] * roots[i];
                }
                yield new TrainingSchedule(roots);
            }
            case "squaredcos_cap_v2" -> new TrainingSchedule(cosineBetas(n));
            default -> throw new IllegalArgumentException("beta_schedule '" + schedule
                    + "' is not supported; use linear, scaled_linear or squaredcos_cap_v2");
        };
    }

    /** torch.linspace in float32: the first half counted from the start, the second from the end. */
    static float[] linspace(float start, float end, int n) {
        float[] out = new float[n];
        float step = (end - start) / (n - 1);
        int halfway = n / 2;
        for (int i = 0; i < n; i++) {
            out[i] = i < halfway ? start + step * i : end - step * (n - i - 1);
        }
        return out;
    }

    private static float[] cosineBetas(int n) {
        float[] betas = new float[n];
        for (int i = 0; i < n; i++) {
            double t1 = (double) i / n;
            double t2 = (double) (i + 1) / n;
            betas[i] = (float) Math.min(1 - alphaBar(t2) / alphaBar(t1), 0.999);
        }
        return betas;
    }

    private static double alphaBar(double t) {
        double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }

    /** numpy's {@code round} (half to even). */
    static double roundHalfEven(double v) {
        return Math.rint(v);
    }

    /** numpy's {@code arange(start, stop, step)} for a negative step, as doubles. */
    static double[] arangeDown(double start, double stop, double step) {
        int count = (int) Math.ceil((stop - start) / step);
        double[] out = new double[Math.max(0, count)];
        for (int i = 0; i < out.length; i++) {
            out[i] = start + i * step;
        }
        return out;
    }

    /** numpy's {@code linspace(start, stop, num)} (endpoint included), as doubles. */
    static double[] linspaceNumpy(double start, double stop, int num) {
        double[] out = new double[num];
        if (num == 1) {
            out[0] = start;
            return out;
        }
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) {
            out[i] = i * step + start;
        }
        out[num - 1] = stop;
        return out;
    }

    /** The last step's previous cumulative alpha: 1 with {@code set_alpha_to_one} (the default), else the first one. */
    float finalAlphaCumprod(SchedulerConfig config) {
        return config.flag("set_alpha_to_one", true) ? 1f : alphasCumprod[0];
    }

    /** {@code original} noised to the level of training timestep {@code t}: {@code sqrt(a) x + sqrt(1 - a) noise}. */
    NDArray addNoise(NDArray original, NDArray noise, int t) {
        float alpha = alphasCumprod[t];
        return original.mul((float) Math.sqrt(alpha)).add(noise.mul((float) Math.sqrt(1 - alpha)));
    }

    /**
     * The predicted clean sample from the model's output at a timestep whose cumulative alpha has
     * the square roots {@code sqrtAlpha} and {@code sqrtBeta} ({@code sqrt(1 - alpha)}).
     */
    static NDArray predictOriginal(PredictionType prediction, NDArray modelOutput, NDArray sample,
                                   float sqrtAlpha, float sqrtBeta) {
        return switch (prediction) {
            case EPSILON -> sample.sub(modelOutput.mul(sqrtBeta)).div(sqrtAlpha);
            case V_PREDICTION -> sample.mul(sqrtAlpha).sub(modelOutput.mul(sqrtBeta));
            case SAMPLE -> modelOutput;
        };
    }

    /** {@link #predictOriginal} of one element, in the same float order. */
    static float predictOriginal(PredictionType prediction, float modelOutput, float sample, float sqrtAlpha, float sqrtBeta) {
        return switch (prediction) {
            case EPSILON -> (sample - modelOutput * sqrtBeta) / sqrtAlpha;
            case V_PREDICTION -> sample * sqrtAlpha - modelOutput * sqrtBeta;
            case SAMPLE -> modelOutput;
        };
    }

    /** Rejects {@code thresholding: true}, which {@code scheduler} does not implement. */
    static void rejectThresholding(SchedulerConfig config, String scheduler) {
        if (config.flag("thresholding", false)) {
            throw new IllegalArgumentException(scheduler + " thresholding is not supported; set thresholding to false");
        }
    }

    /**
     * The inference timesteps, noisiest first, for diffusers' {@code timestep_spacing}: {@code linspace}
     * (rounded half to even when {@code roundLinspace}, else kept fractional), {@code leading} (plus
     * {@code offset}) or {@code trailing}, over {@code n} training timesteps.
     *
     * @param unsupported what follows "is not supported by " in the error for any other spacing
     */
    static float[] spacedTimesteps(String spacing, int n, int steps, int offset, boolean roundLinspace,
                                   String unsupported) {
        float[] timesteps;
        switch (spacing) {
            case "linspace" -> {
                double[] values = linspaceNumpy(0, n - 1, steps);
                timesteps = new float[steps];
                for (int i = 0; i < steps; i++) {
                    double value = values[steps - 1 - i];
                    timesteps[i] = roundLinspace ? (long) roundHalfEven(value) : (float) value;
                }
            }
            case "leading" -> {
                int ratio = n / steps;
                timesteps = new float[steps];
                for (int i = 0; i < steps; i++) {
                    timesteps[i] = (long) (steps - 1 - i) * ratio + offset;
                }
            }
            case "trailing" -> {
                double[] values = arangeDown(n, 0, -(double) n / steps);
                timesteps = new float[values.length];
                for (int i = 0; i < values.length; i++) {
                    timesteps[i] = (long) roundHalfEven(values[i]) - 1;
                }
            }
            default -> throw new IllegalArgumentException("timestep_spacing '" + spacing
                    + "' is not supported by " + unsupported);
        }
        return timesteps;
    }

    static void requireSteps(int steps, int max) {
        if (steps < 1 || steps > max) {
            throw new IllegalArgumentException("steps must be between 1 and " + max + ", got " + steps);
        }
    }
}
