package dev.modaweave.app;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bench agent} end to end with tiny durations: its stand-in tools serve all four calls, the edit included. */
@Timeout(120)
class BenchAgentCommandTest {

    @Test
    void a_short_agent_benchmark_runs_every_call_and_prints_one_json_line() {
        CliRunner.Result result = CliRunner.run("bench", "agent", "--token-ms", "1", "--image-ms", "5", "--video-ms", "5",
                "--audio-ms", "5", "--edit-ms", "5");
        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonObject line = new JsonObject(result.out().strip());
        assertThat(line.getMap()).containsKeys("turn_ms", "critical_path_ms", "sequential_ms", "turn_over_critical", "sequential_over_turn");
        assertThat(line.getLong("turn_ms")).isPositive();
    }
}
