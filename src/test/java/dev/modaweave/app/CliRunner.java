package dev.modaweave.app;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command line in-process with captured output. */
public final class CliRunner {

    /** Exit code and what the command printed. */
    public record Result(int exitCode, String out, String err) {
    }

    public static Result run(String... args) {
        var cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private CliRunner() {
    }
}
