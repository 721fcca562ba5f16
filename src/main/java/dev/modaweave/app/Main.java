package dev.modaweave.app;

import dev.modaweave.app.tools.GenerateCommand;
import dev.modaweave.app.tools.ToolsCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code modaweave} command line. Every subcommand has {@code --help}; exit codes are 0 for
 * success, 1 for a failed operation and 2 for bad usage or unreadable input.
 */
@Command(name = "modaweave",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Any-to-any multimodal generation: an LLM agent writes meta-responses that are "
                + "validated and routed to generator tools over the Vert.x event bus.",
        subcommands = {
                dev.modaweave.app.run.RunCommand.class,
                dev.modaweave.app.serve.ServeCommand.class,
                ParseCommand.class,
                dev.modaweave.app.cluster.WorkerCommand.class,
                BenchCommand.class,
                dev.modaweave.app.dataset.DatasetCommand.class,
                ToolsCommand.class,
                GenerateCommand.class,
                dev.modaweave.app.planner.PlanCommand.class,
                dev.modaweave.app.planner.PlannerCommand.class,
                dev.modaweave.app.projector.ProjectorCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        dev.modaweave.agent.cluster.Clustering.prepareJvm();
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code; used by tests too. */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command line, for callers (and tests) that set their own output streams. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new ErrorHandler());
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Prints a one-line reason instead of a stack trace; usage errors exit 2, failures 1. */
    static final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
            if (e instanceof UsageException) {
                cmd.getErr().println(cmd.getCommandName() + ": " + e.getMessage());
                return 2;
            }
            cmd.getErr().println(cmd.getCommandName() + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (Boolean.getBoolean("modaweave.debug")) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        }
    }
}
