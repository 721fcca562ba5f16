package dev.modaweave.generators.diffusion.schedulers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.modaweave.generators.diffusion.schedulers.TorchRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The full-loop figures diffusers' own scheduler tests assert (tests/schedulers/test_scheduler_ddim.py,
 * _euler.py, _euler_ancestral.py and _lcm.py, with SchedulerCommonTest's deterministic sample and
 * dummy model {@code sample * t / (t + 1)}), reproduced loop for loop: the sum and mean of the
 * absolute final sample must match within the tolerances those tests use. This is an oracle
 * independent of any reference this project computes itself.
 */
class DiffusersSchedulerOracleTest {

    private static final long[] SHAPE = {4, 3, 8, 8};
    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    /** SchedulerCommonTest.dummy_sample_deter, or dummy_noise_deter when {@code flipped}. */
    private static NDArray deterministic(boolean flipped) {
        int n = 4 * 3 * 8 * 8;
        float[] values = new float[n];
        for (int b = 0; b < 4; b++) {
            for (int c = 0; c < 3; c++) {
                for (int h = 0; h < 8; h++) {
                    for (int w = 0; w < 8; w++) {
                        int source = ((c * 8 + h) * 8 + w) * 4 + b;
                        int value = flipped ? n - 1 - source : source;
                        values[((b * 3 + c) * 8 + h) * 8 + w] = (float) value / n;
                    }
                }
            }
        }
        return manager.create(values, new Shape(SHAPE));
    }

    private static NDArray dummyModel(NDArray sample, float t) {
        return sample.mul(t).div(t + 1);
    }

    private static SchedulerConfig config(String json, Map<String, Object> overrides) {
        SchedulerConfig config = SchedulerConfig.parse(json);
        for (var e : overrides.entrySet()) {
            config = config.with(e.getKey(), e.getValue());
        }
        return config;
    }

    private static final String DDIM = """
            {"num_train_timesteps":1000,"beta_start":0.0001,"beta_end":0.02,"beta_schedule":"linear","clip_sample":true}""";
    private static final String EULER = """
            {"num_train_timesteps":1100,"beta_start":0.0001,"beta_end":0.02,"beta_schedule":"linear"}""";
    private static final String LCM = """
            {"num_train_timesteps":1000,"beta_start":0.00085,"beta_end":0.0120,"beta_schedule":"scaled_linear","prediction_type":"epsilon"}""";

    private static NDArray ddimLoop(Map<String, Object> overrides) {
        Schedule plan = Scheduler.of("ddim", config(DDIM, overrides)).schedule(10);
        NDArray sample = deterministic(false);
        for (int i = 0; i < plan.size(); i++) {
            sample = plan.step(dummyModel(sample, plan.timestep(i)), i, sample, null);
        }
        return sample;
    }

    private static NDArray eulerLoop(String name, Map<String, Object> overrides, int start, boolean addNoise) {
        Schedule plan = Scheduler.of(name, config(EULER, overrides)).schedule(10);
        TorchRandom random = new TorchRandom(0);
        NDArray sample = deterministic(false).mul(plan.initNoiseSigma());
        if (addNoise) {
            sample = plan.addNoise(sample, deterministic(true), start);
        }
        for (int i = start; i < plan.size(); i++) {
            // the diffusers test feeds the scaled sample to step(), and so does this loop
            sample = plan.scaleModelInput(sample, i);
            NDArray output = dummyModel(sample, plan.timestep(i));
            sample = plan.step(output, i, sample, random);
        }
        return sample;
    }

    private static void assertSumAndMean(NDArray sample, double sum, double sumTolerance, double mean, double meanTolerance) {
        NDArray abs = sample.abs();
        assertThat(abs.sum().getFloat()).isCloseTo((float) sum, within((float) sumTolerance));
        assertThat(abs.mean().getFloat()).isCloseTo((float) mean, within((float) meanTolerance));
    }

    @Test
    void ddim_full_loop_matches_diffusers() {
        assertSumAndMean(ddimLoop(Map.of()), 172.0067, 1e-2, 0.223967, 1e-3);
    }

    @Test
    void ddim_full_loop_with_v_prediction_matches_diffusers() {
        assertSumAndMean(ddimLoop(Map.of("prediction_type", "v_prediction")), 52.5302, 1e-2, 0.0684, 1e-3);
    }

    @Test
    void ddim_full_loop_with_and_without_alpha_set_to_one_matches_diffusers() {
        assertSumAndMean(ddimLoop(Map.of("set_alpha_to_one", true, "beta_start", 0.01)), 149.8295, 1e-2, 0.1951, 1e-3);
        assertSumAndMean(ddimLoop(Map.of("set_alpha_to_one", false, "beta_start", 0.01)), 149.0784, 1e-2, 0.1941, 1e-3);
    }

    @Test
    void ddim_full_loop_from_a_noised_sample_matches_diffusers() {
        Schedule plan = Scheduler.of("ddim", config(DDIM, Map.of())).schedule(10);
        int start = 8;
        NDArray sample = plan.addNoise(deterministic(false), deterministic(true), start);
        for (int i = start; i < plan.size(); i++) {
            sample = plan.step(dummyModel(sample, plan.timestep(i)), i, sample, null);
        }
        assertSumAndMean(sample, 354.5418, 1e-2, 0.4616, 1e-3);
    }

    @Test
    void ddim_steps_offset_gives_the_timesteps_diffusers_asserts() {
        Schedule plan = Scheduler.of("ddim", config(DDIM, Map.of("steps_offset", 1))).schedule(5);
        assertThat(plan.timesteps()).containsExactly(801, 601, 401, 201, 1);
    }

    @Test
    void ddim_without_clipping_takes_the_fused_update_and_gives_the_same_loop() {
        for (String prediction : new String[]{"epsilon", "v_prediction"}) {
            // clip_sample with an unreachable range runs the step term by term; clip_sample false runs it fused
            NDArray termByTerm = ddimLoop(Map.of("prediction_type", prediction, "clip_sample_range", 1e9));
            NDArray fused = ddimLoop(Map.of("prediction_type", prediction, "clip_sample", false));
            float difference = termByTerm.sub(fused).abs().max().getFloat();
            assertThat(difference).as(prediction).isLessThan(1e-5f);
        }
    }

    @Test
    void euler_full_loop_matches_diffusers() {
        assertSumAndMean(eulerLoop("euler", Map.of(), 0, false), 10.0807, 1e-2, 0.0131, 1e-3);
    }

    @Test
    void euler_full_loop_with_v_prediction_matches_diffusers() {
        assertSumAndMean(eulerLoop("euler", Map.of("prediction_type", "v_prediction"), 0, false), 0.0002, 1e-2, 2.2676e-06, 1e-3);
    }

    @Test
    void euler_full_loop_from_a_noised_sample_matches_diffusers() {
        assertSumAndMean(eulerLoop("euler", Map.of(), 8, true), 57062.9297, 1e-2, 74.3007, 1e-3);
    }

    @Test
    void euler_ancestral_full_loop_matches_diffusers() {
        assertSumAndMean(eulerLoop("euler-ancestral", Map.of(), 0, false), 152.3192, 1e-2, 0.1983, 1e-3);
    }

    @Test
    void euler_ancestral_full_loop_with_v_prediction_matches_diffusers() {
        assertSumAndMean(eulerLoop("euler-ancestral", Map.of("prediction_type", "v_prediction"), 0, false),
                108.4439, 1e-2, 0.1412, 1e-3);
    }

    @Test
    void euler_ancestral_full_loop_from_a_noised_sample_matches_diffusers() {
        assertSumAndMean(eulerLoop("euler-ancestral", Map.of(), 8, true), 56163.0508, 1e-2, 73.1290, 1e-3);
    }

    private static NDArray lcmLoop(int steps) {
        Schedule plan = Scheduler.of("lcm", config(LCM, Map.of())).schedule(steps);
        TorchRandom random = new TorchRandom(0);
        NDArray sample = deterministic(false);
        for (int i = 0; i < plan.size(); i++) {
            sample = plan.step(dummyModel(sample, plan.timestep(i)), i, sample, random);
        }
        return sample;
    }

    @Test
    void lcm_one_step_loop_matches_diffusers() {
        assertSumAndMean(lcmLoop(1), 18.7097, 1e-3, 0.0244, 1e-3);
    }

    @Test
    void lcm_ten_step_loop_matches_diffusers() {
        assertSumAndMean(lcmLoop(10), 197.7616, 1e-3, 0.2575, 1e-3);
    }
}
