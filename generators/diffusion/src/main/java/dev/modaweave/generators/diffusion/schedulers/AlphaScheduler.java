package dev.modaweave.generators.diffusion.schedulers;

/**
 * A scheduler that steps on the cumulative alpha products directly (DDIM, LCM): the training
 * schedule, the alpha used past the last step, the prediction type and the clipping of the predicted
 * clean sample, read from the config alike. Thresholding is refused.
 */
abstract class AlphaScheduler extends NamedScheduler {

    /** The training betas and cumulative alphas. */
    final TrainingSchedule training;
    /** The previous cumulative alpha of the last step. */
    final float finalAlphaCumprod;
    /** What the model predicts. */
    final PredictionType prediction;
    /** Whether and how the predicted clean sample is clipped. */
    final SampleClip clip;

    /**
     * @param label           how messages name the scheduler (e.g. {@code DDIM})
     * @param defaultStart    {@code beta_start} when the config has none
     * @param defaultEnd      {@code beta_end} when the config has none
     * @param defaultSchedule {@code beta_schedule} when the config has none
     * @param clipByDefault   {@code clip_sample} when the config has none
     */
    AlphaScheduler(String name, String label, SchedulerConfig config, double defaultStart, double defaultEnd,
                   String defaultSchedule, boolean clipByDefault) {
        super(name, config);
        this.training = TrainingSchedule.of(config, defaultStart, defaultEnd, defaultSchedule);
        this.finalAlphaCumprod = training.finalAlphaCumprod(config);
        this.prediction = config.predictionType();
        this.clip = SampleClip.of(config, clipByDefault);
        TrainingSchedule.rejectThresholding(config, label);
    }
}
