package dev.modaweave.generators.diffusion.schedulers;

/**
 * What the denoising network predicts: the noise ({@code epsilon}, Stable Diffusion 1.x, AudioLDM,
 * ModelScope), the velocity ({@code v_prediction}, Stable Diffusion 2.x at 768 px, SD-Turbo's base),
 * or the clean sample itself.
 */
public enum PredictionType {
    EPSILON, V_PREDICTION, SAMPLE;

    /** The value of {@code prediction_type}. @throws IllegalArgumentException for any other word */
    public static PredictionType of(String value) {
        return switch (value) {
            case "epsilon" -> EPSILON;
            case "v_prediction" -> V_PREDICTION;
            case "sample", "original_sample" -> SAMPLE;
            default -> throw new IllegalArgumentException("prediction_type '" + value
                    + "' is not supported; use epsilon, v_prediction or sample");
        };
    }
}
