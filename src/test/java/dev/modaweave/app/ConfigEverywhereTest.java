package dev.modaweave.app;

import dev.modaweave.app.config.ConfigLoader;
import dev.modaweave.app.config.ConfigOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigEverywhereTest {

    @Test
    void every_command_that_reads_the_configuration_takes_config_from_the_one_shared_option() {
        CommandLine root = Main.commandLine();
        for (List<String> path : List.of(List.of("run"), List.of("serve"), List.of("worker"), List.of("generate"), List.of("plan"),
                List.of("tools", "list"), List.of("dataset", "eval"))) {
            CommandLine command = root;
            for (String name : path) {
                command = command.getSubcommands().get(name);
            }
            assertThat(command.getCommandSpec().mixins().values())
                    .as(String.join(" ", path))
                    .anySatisfy(mixin -> assertThat(mixin.userObject()).isInstanceOf(ConfigOption.class));
        }
    }

    @Test
    void without_config_the_option_reads_the_file_the_environment_variable_names(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("elsewhere.yaml"), "agent:\n  maxRounds: 3\n");
        ConfigLoader.Loaded loaded = new ConfigOption().load(Map.of(ConfigLoader.ENV, file.toString()));
        assertThat(loaded.config().agent().maxRounds()).isEqualTo(3);
        assertThat(loaded.directory()).isEqualTo(dir.toAbsolutePath());
    }
}
