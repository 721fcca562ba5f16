package dev.modaweave.app.planner;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code modaweave planner …}: train the embedded planner. */
@Command(name = "planner",
        mixinStandardHelpOptions = true,
        description = "Train and evaluate the embedded planner, the small model that writes meta-responses when no LLM is configured.",
        subcommands = {PlannerTrainCommand.class, PlannerEvalCommand.class})
public final class PlannerCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
