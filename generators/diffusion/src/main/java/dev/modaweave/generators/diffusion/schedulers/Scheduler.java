package dev.modaweave.generators.diffusion.schedulers;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A sampler that walks a latent from noise to a clean sample: DDIM, Euler, Euler ancestral or LCM,
 * each configured from the model's {@code scheduler_config.json} and computing the same numbers as
 * the diffusers scheduler of that name. A scheduler is immutable and thread-safe; {@link #schedule}
 * gives the per-call plan that the denoising loop walks.
 *
 * <pre>{@code
 * Schedule plan = Scheduler.of("ddim", config).schedule(20);
 * NDArray x = noise.mul(plan.initNoiseSigma());
 * for (int i = 0; i < plan.size(); i++) {
 *     NDArray eps = unet(plan.scaleModelInput(x, i), plan.timestep(i));
 *     x = plan.step(eps, i, x, random);
 * }
 * }</pre>
 */
public interface Scheduler {

    /** The names {@link #of} accepts. */
    List<String> NAMES = List.of("ddim", "euler", "euler-ancestral", "lcm");

    /** The scheduler's name: one of {@link #NAMES}. */
    String name();

    /** The config it was made from. */
    SchedulerConfig config();

    /**
     * The timesteps and step rule for {@code steps} denoising steps.
     *
     * @throws IllegalArgumentException when {@code steps} is below 1 or above what the schedule allows
     */
    Schedule schedule(int steps);

    /**
     * A scheduler by name over a model's config.
     *
     * @param name   {@code ddim}, {@code euler}, {@code euler-ancestral} or {@code lcm} (case-insensitive;
     *               diffusers class names such as {@code EulerAncestralDiscreteScheduler} work too)
     * @throws IllegalArgumentException for an unknown name or a config these schedulers do not support
     */
    static Scheduler of(String name, SchedulerConfig config) {
        Objects.requireNonNull(config, "config");
        return switch (normalise(Objects.requireNonNull(name, "name"))) {
            case "ddim", "ddimscheduler" -> new DdimScheduler(config);
            case "euler", "eulerdiscretescheduler" -> new EulerScheduler(config, false);
            case "euler-ancestral", "eulerancestraldiscretescheduler" -> new EulerScheduler(config, true);
            case "lcm", "lcmscheduler" -> new LcmScheduler(config);
            default -> throw new IllegalArgumentException("unknown scheduler '" + name + "'; use one of " + NAMES);
        };
    }

    /**
     * The scheduler the config's {@code _class_name} names, or DDIM for a class this package does
     * not implement (PNDM, the default of Stable Diffusion 1.x checkpoints, samples the same model well with DDIM).
     */
    static Scheduler fromConfig(SchedulerConfig config) {
        String name = normalise(config.className());
        return switch (name) {
            case "eulerdiscretescheduler", "eulerancestraldiscretescheduler", "lcmscheduler" -> of(name, config);
            default -> new DdimScheduler(config);
        };
    }

    private static String normalise(String name) {
        return name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
