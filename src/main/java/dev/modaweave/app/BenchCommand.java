package dev.modaweave.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code modaweave bench …}: benchmarks that print one JSON line per measurement. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = "Run a benchmark; each prints one JSON line per measurement.",
        subcommands = {
                dev.modaweave.app.bench.BenchParserCommand.class,
                dev.modaweave.app.bench.BenchAgentCommand.class,
                dev.modaweave.app.bench.BenchDispatchCommand.class,
                dev.modaweave.app.bench.BenchFailoverCommand.class,
                dev.modaweave.app.bench.BenchDiffusionCommand.class,
                dev.modaweave.app.dataset.DatasetBenchCommand.class
        })
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
