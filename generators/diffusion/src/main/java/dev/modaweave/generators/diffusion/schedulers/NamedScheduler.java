package dev.modaweave.generators.diffusion.schedulers;

/** A {@link Scheduler}'s name and the config it was made from, which every scheduler keeps alike. */
abstract class NamedScheduler implements Scheduler {

    /** The config the scheduler was made from. */
    final SchedulerConfig config;
    private final String name;

    NamedScheduler(String name, SchedulerConfig config) {
        this.name = name;
        this.config = config;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final SchedulerConfig config() {
        return config;
    }
}
