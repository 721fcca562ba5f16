package dev.modaweave.generators.diffusion.schedulers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every scheduler's host rule (what CPU runs take) gives what its tensor step gives, step by step, for
 * each prediction type and with clipping on and off, ancestral noise included.
 */
class HostStepTest {

    private static final long[] SHAPE = {1, 4, 6, 5};

    @ParameterizedTest(name = "{0} {1} clip {2} spacing {3}")
    @CsvSource({
            "ddim, epsilon, false, leading", "ddim, epsilon, true, leading", "ddim, v_prediction, false, trailing",
            "ddim, v_prediction, true, leading", "ddim, sample, false, linspace", "ddim, sample, true, leading",
            "euler, epsilon, false, linspace", "euler, v_prediction, false, leading", "euler, sample, false, trailing",
            "euler-ancestral, epsilon, false, trailing", "euler-ancestral, v_prediction, false, linspace",
            "lcm, epsilon, false, leading", "lcm, v_prediction, true, leading", "lcm, sample, false, leading"})
    void the_host_rule_of_every_step_matches_the_tensor_step(String name, String prediction, boolean clip, String spacing) {
        SchedulerConfig config = SchedulerConfig.parse("""
                {"num_train_timesteps":1000,"beta_start":0.00085,"beta_end":0.012,"beta_schedule":"scaled_linear"}""")
                .with("prediction_type", prediction).with("clip_sample", clip).with("clip_sample_range", 0.7)
                .with("timestep_spacing", spacing);
        Schedule plan = Scheduler.of(name, config).schedule(6);
        TorchRandom data = new TorchRandom(3);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            float[] sample = scaled(data.normal(SHAPE), plan.initNoiseSigma());
            for (int i = 0; i < plan.size(); i++) {
                float[] output = data.normal(SHAPE);
                long seed = 100 + i;
                NDArray x = manager.create(sample, new Shape(SHAPE));
                float[] tensor = plan.step(manager.create(output, new Shape(SHAPE)), i, x, new TorchRandom(seed)).toFloatArray();
                Schedule.HostStep rule = plan.hostStep(i);
                assertThat(rule).isNotNull();
                float[] noise = rule.noisy() ? new TorchRandom(seed).normal(SHAPE) : null;
                float[] host = new float[sample.length];
                rule.apply(output, sample, noise, host);
                for (int k = 0; k < host.length; k++) {
                    assertThat(host[k]).as("step %d element %d", i, k)
                            .isCloseTo(tensor[k], org.assertj.core.data.Offset.offset(1e-5f * Math.max(1f, Math.abs(tensor[k]))));
                }
                float[] scaledInput = plan.scaleModelInput(x, i).toFloatArray();
                assertThat(scaledInput[7]).isCloseTo(sample[7] / plan.inputDivisor(i), org.assertj.core.data.Offset.offset(1e-6f));
                sample = host;
            }
        }
    }

    private static float[] scaled(float[] values, float by) {
        for (int i = 0; i < values.length; i++) {
            values[i] *= by;
        }
        return values;
    }
}
