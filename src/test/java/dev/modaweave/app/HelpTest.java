package dev.modaweave.app;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HelpTest {

    private static void collect(CommandLine cli, List<String> path, List<List<String>> out) {
        for (var entry : cli.getSubcommands().entrySet()) {
            if (entry.getKey().equals("help")) {
                continue;
            }
            List<String> sub = new ArrayList<>(path);
            sub.add(entry.getKey());
            out.add(sub);
            collect(entry.getValue(), sub, out);
        }
    }

    @Test
    void every_subcommand_has_help() {
        List<List<String>> commands = new ArrayList<>();
        collect(Main.commandLine(), List.of(), commands);
        assertThat(commands).isNotEmpty();
        for (List<String> command : commands) {
            List<String> args = new ArrayList<>(command);
            args.add("--help");
            var result = CliRunner.run(args.toArray(String[]::new));
            assertThat(result.exitCode()).as("%s --help", command).isZero();
            assertThat(result.out()).as("%s --help", command).contains("Usage: modaweave " + String.join(" ", command));
        }
    }
}
