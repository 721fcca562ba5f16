package dev.modaweave.app.projector;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code modaweave projector …}: the learned input projector. */
@Command(name = "projector",
        mixinStandardHelpOptions = true,
        description = "Train the learned input projector that turns pictures into soft tokens of an LLM (llm.projector: learned).",
        subcommands = {ProjectorTrainCommand.class})
public final class ProjectorCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
