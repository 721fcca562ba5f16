package dev.modaweave.app.config;

import dev.modaweave.agent.llm.LlmConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

    @Test
    void no_file_means_defaults_that_work_offline() {
        var config = ConfigLoader.parse("", "modaweave.yaml");
        assertThat(config.llm().provider()).isEqualTo(LlmConfig.Provider.EMBEDDED);
        assertThat(config.agent().maxRounds()).isEqualTo(4);
        assertThat(config.server().host()).isEqualTo("127.0.0.1");
        assertThat(config.server().tokenEnv()).isNull();
        assertThat(config.tools().http()).isEmpty();
        assertThat(config.store().dir().toString()).endsWith(".modaweave/artifacts");
    }

    @Test
    void every_section_maps_to_its_record() {
        var config = ConfigLoader.parse("""
                llm:
                  provider: openai
                  baseUrl: http://127.0.0.1:8000/v1
                  model: qwen
                  apiKeyEnv: OPENAI_API_KEY
                  timeout: 90s
                agent:
                  maxRounds: 6
                  turnTimeout: 2m
                store:
                  dir: /var/lib/modaweave
                  maxAge: 7d
                server:
                  port: 9090
                  tokenEnv: MODAWEAVE_TOKEN
                cluster:
                  members: [10.0.0.5:5701, 10.0.0.6:5701]
                tools:
                  djl: [models/tiny.json]
                  http:
                    - backend: comfyui
                      name: sdxl
                      workflow: workflows/sdxl.json
                """, "test.yaml");
        assertThat(config.llm().model()).isEqualTo("qwen");
        assertThat(config.llm().timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.agent().maxRounds()).isEqualTo(6);
        assertThat(config.agent().turnTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.agent().maxCallsPerTurn()).isEqualTo(16);
        assertThat(config.store().maxAge()).isEqualTo(Duration.ofDays(7));
        assertThat(config.server().port()).isEqualTo(9090);
        assertThat(config.cluster().members()).containsExactly("10.0.0.5:5701", "10.0.0.6:5701");
        assertThat(config.tools().djl()).containsExactly("models/tiny.json");
        assertThat(config.tools().http()).singleElement().satisfies(m -> assertThat(m).containsEntry("backend", "comfyui"));
        assertThat(config.agent().toOptions(config.llm()).limits().maxCalls()).isEqualTo(16);
    }

    @Test
    void an_unknown_key_is_refused_with_its_path_and_the_allowed_keys() {
        assertThatThrownBy(() -> ConfigLoader.parse("agent:\n  maxRound: 3\n", "m.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("m.yaml: unknown key 'agent.maxRound'")
                .hasMessageContaining("maxRounds");
        assertThatThrownBy(() -> ConfigLoader.parse("lm:\n  provider: openai\n", "m.yaml"))
                .hasMessageContaining("unknown key 'lm'").hasMessageContaining("llm");
    }

    @Test
    void bad_values_name_the_key_and_what_is_allowed() {
        assertThatThrownBy(() -> ConfigLoader.parse("agent:\n  maxRounds: lots\n", "m.yaml"))
                .hasMessageContaining("agent.maxRounds");
        assertThatThrownBy(() -> ConfigLoader.parse("agent:\n  turnTimeout: soon\n", "m.yaml"))
                .hasMessageContaining("agent.turnTimeout").hasMessageContaining("30s");
        assertThatThrownBy(() -> ConfigLoader.parse("server:\n  port: 70000\n", "m.yaml"))
                .hasMessageContaining("server.port");
        assertThatThrownBy(() -> ConfigLoader.parse("llm:\n  provider: gpt\n", "m.yaml"))
                .hasMessageContaining("gpt").hasMessageContaining("openai");
        assertThatThrownBy(() -> ConfigLoader.parse("cluster:\n  members: [nohost]\n", "m.yaml"))
                .hasMessageContaining("cluster.members");
        assertThatThrownBy(() -> ConfigLoader.parse("agent: [1, 2\n", "m.yaml"))
                .hasMessageContaining("m.yaml");
    }

    @Test
    void secrets_stay_out_of_the_file() {
        assertThatThrownBy(() -> ConfigLoader.parse("llm:\n  provider: openai\n  model: x\n  apiKey: sk-abc123\n", "m.yaml"))
                .hasMessageContaining("apiKeyEnv").hasMessageNotContaining("sk-abc123");
        assertThatThrownBy(() -> ConfigLoader.parse("server:\n  tokenEnv: 'abc def'\n", "m.yaml"))
                .hasMessageContaining("server.tokenEnv");
    }

    @Test
    void the_file_comes_from_the_flag_then_the_environment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("conf.yaml");
        Files.writeString(file, "agent:\n  maxRounds: 2\n");
        assertThat(ConfigLoader.load(file, Map.of()).config().agent().maxRounds()).isEqualTo(2);
        assertThat(ConfigLoader.load(null, Map.of(ConfigLoader.ENV, file.toString())).config().agent().maxRounds()).isEqualTo(2);
        assertThat(ConfigLoader.load(null, Map.of(ConfigLoader.ENV, file.toString())).resolve("models/a.json"))
                .isEqualTo(dir.resolve("models/a.json"));
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("missing.yaml"), Map.of()))
                .hasMessageContaining("missing.yaml").hasMessageContaining("does not exist");
    }

    @Test
    void the_documented_example_file_is_valid() throws Exception {
        Path example = Path.of("..", "modaweave.example.yaml");
        assertThat(example).exists();
        var config = ConfigLoader.parse(Files.readString(example), example.toString());
        assertThat(config.llm().provider()).isEqualTo(LlmConfig.Provider.EMBEDDED);
        assertThat(config.server().eventLoops()).isZero();
    }

    @Test
    void the_event_loop_count_is_vertx_default_unless_set_and_refused_outside_1_to_256() throws Exception {
        assertThat(ConfigLoader.parse("server:\n  port: 9000\n", "t.yaml").server().eventLoops()).isZero();
        assertThat(ConfigLoader.parse("server:\n  eventLoops: 1\n", "t.yaml").server().eventLoops()).isEqualTo(1);
        assertThatThrownBy(() -> ConfigLoader.parse("server:\n  eventLoops: 300\n", "t.yaml"))
                .hasMessageContaining("server.eventLoops is 300").hasMessageContaining("1 to 256");
        assertThatThrownBy(() -> ConfigLoader.parse("server:\n  eventLoops: -1\n", "t.yaml"))
                .hasMessageContaining("server.eventLoops is -1");
    }
}
