package dev.modaweave.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code serve} refuses before it starts anything. */
class ServeCommandTest {

    @TempDir
    Path dir;

    @Test
    void a_token_variable_that_is_not_set_is_refused_naming_it() {
        var result = CliRunner.run("serve", "--port", "0", "--store", dir.toString(), "--token-env", "MODAWEAVE_TEST_TOKEN_THAT_IS_NOT_SET");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("MODAWEAVE_TEST_TOKEN_THAT_IS_NOT_SET").contains("not set");
    }

    @Test
    void cluster_members_without_cluster_are_refused() {
        var result = CliRunner.run("serve", "--port", "0", "--store", dir.toString(), "--members", "127.0.0.1:5701");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--cluster");
    }

    @Test
    void an_unknown_configuration_key_is_refused_with_its_path() throws Exception {
        Path config = dir.resolve("modaweave.yaml");
        Files.writeString(config, "server:\n  prot: 8080\n");
        var result = CliRunner.run("serve", "--config", config.toString(), "--store", dir.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("prot").contains("port");
    }
}
