package dev.modaweave.generators.media;

import dev.modaweave.tools.Cancellation;
import dev.modaweave.tools.ToolCancelledException;
import dev.modaweave.tools.ToolTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExternalProcessTest {

    @Test
    void a_process_running_past_its_time_limit_is_killed_and_reported_as_a_timeout(@TempDir Path dir) {
        assertThatThrownBy(() -> ExternalProcess.run("sleep", List.of("sleep", "60"), dir.resolve("out"),
                stdin -> { }, Duration.ofMillis(200), Cancellation.create()))
                .isInstanceOf(ToolTimeoutException.class)
                .hasMessageContaining("sleep").hasMessageContaining("200 ms");
    }

    @Test
    void cancelling_kills_the_process(@TempDir Path dir) {
        Cancellation cancellation = Cancellation.create();
        assertThatThrownBy(() -> ExternalProcess.run("sleep", List.of("sleep", "60"), dir.resolve("out"),
                stdin -> cancellation.cancel("user pressed stop"), Duration.ofMinutes(1), cancellation))
                .isInstanceOf(ToolCancelledException.class)
                .hasMessageContaining("user pressed stop");
    }

    @Test
    void the_output_file_is_read_and_deleted_and_errors_are_quoted(@TempDir Path dir) {
        Path out = dir.resolve("out.txt");
        var outcome = ExternalProcess.run("sh", List.of("sh", "-c", "cat > \"$0\"; echo oops >&2", out.toString()), out,
                stdin -> stdin.write("payload".getBytes()), Duration.ofSeconds(30), Cancellation.create());
        assertThat(outcome.exitCode()).isZero();
        assertThat(new String(outcome.output())).isEqualTo("payload");
        assertThat(outcome.errorTail()).isEqualTo("oops");
        assertThat(out).doesNotExist();
    }
}
