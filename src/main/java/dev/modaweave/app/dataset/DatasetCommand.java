package dev.modaweave.app.dataset;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code modaweave dataset …}: build, describe and evaluate meta-response instruction data. */
@Command(name = "dataset",
        mixinStandardHelpOptions = true,
        description = "Build meta-response instruction data from caption corpora, describe it, evaluate models on it.",
        subcommands = {
                DatasetBuildCommand.class,
                DatasetStatsCommand.class,
                DatasetEvalCommand.class
        })
public final class DatasetCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
