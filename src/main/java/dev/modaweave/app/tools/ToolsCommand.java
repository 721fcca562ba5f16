package dev.modaweave.app.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code modaweave tools …}: inspect the generator tools this installation has. */
@Command(name = "tools",
        mixinStandardHelpOptions = true,
        description = "Inspect the generator tools (built in, from plugin jars, configured), or start a new one.",
        subcommands = {ToolsListCommand.class, ToolsNewCommand.class})
public final class ToolsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
