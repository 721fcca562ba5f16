package dev.modaweave.app.config;

import dev.modaweave.app.CliRunner;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.GeneratorToolFactory;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.ToolDescriptor;
import dev.modaweave.tools.ToolSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfiguredToolsTest {

    @TempDir
    Path dir;

    private ConfigLoader.Loaded load(String yaml) throws IOException {
        Path file = Files.writeString(dir.resolve("modaweave.yaml"), yaml);
        return ConfigLoader.load(file, Map.of());
    }

    @Test
    void the_application_finds_every_built_in_kind_and_the_test_class_paths_own() {
        assertThat(ToolFactories.load().kinds()).contains("automatic1111", "comfyui", "openai-images", "openai-speech",
                "replicate", "stability", "torchscript", "local-speech", "test-swatch");
    }

    @Test
    void a_kind_only_a_services_file_registers_is_built_with_its_priority_on_the_descriptor() throws IOException {
        List<GeneratorTool> tools = ConfiguredTools.create(load("""
                tools:
                  backends:
                    - backend: test-swatch
                      name: red-square
                      colour: ff0000
                      priority: 7
                    - backend: test-swatch
                      colour: 00ff00
                """));
        try {
            assertThat(tools).extracting(t -> t.descriptor().name()).containsExactly("red-square", "swatch");
            assertThat(tools).extracting(t -> t.descriptor().priority()).containsExactly(7, 0);
        } finally {
            tools.forEach(GeneratorTool::close);
        }
    }

    @Test
    void the_older_http_and_djl_sections_go_through_the_same_factories() throws IOException {
        Path spec = Path.of("../generators/djl/src/test/resources/tiny/tiny-image.json").toAbsolutePath().normalize();
        List<GeneratorTool> tools = ConfiguredTools.create(load("""
                tools:
                  http:
                    - backend: openai-speech
                      name: tts
                      baseUrl: http://127.0.0.1:9
                      apiKey: sk-test
                      priority: 2
                  djl:
                    - %s
                """.formatted(spec)));
        try {
            assertThat(tools).extracting(t -> t.descriptor().name()).containsExactly("tts", "tiny-image");
            assertThat(tools.get(0).descriptor().priority()).isEqualTo(2);
        } finally {
            tools.forEach(GeneratorTool::close);
        }
    }

    @Test
    void an_entry_without_a_known_kind_or_with_a_bad_setting_is_named_with_its_position() throws IOException {
        assertThatThrownBy(() -> ConfiguredTools.create(load("tools:\n  backends:\n    - name: x\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tools.backends[0]").hasMessageContaining("'backend' is missing");
        assertThatThrownBy(() -> ConfiguredTools.create(load("tools:\n  backends:\n    - backend: dalle-nine\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("dalle-nine").hasMessageContaining("test-swatch");
        assertThatThrownBy(() -> ConfiguredTools.create(load("tools:\n  backends:\n    - backend: test-swatch\n      colour: red\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tools.backends[0]").hasMessageContaining("six hex");
        assertThatThrownBy(() -> ConfiguredTools.create(load(
                "tools:\n  backends:\n    - backend: test-swatch\n      colour: ff0000\n      priority: high\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("priority").hasMessageContaining("whole number");
    }

    @Test
    void two_factories_of_one_kind_fail_naming_both_classes() {
        assertThatThrownBy(() -> ToolFactories.of(List.of(new Named("twin"), new OtherNamed("twin"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(Named.class.getName()).hasMessageContaining(OtherNamed.class.getName());
    }

    @Test
    void run_with_a_configuration_uses_a_tool_of_a_kind_the_application_does_not_know() throws IOException {
        Path config = Files.writeString(dir.resolve("swatch.yaml"), """
                tools:
                  previews: auto
                  backends:
                    - backend: test-swatch
                      name: swatch
                      colour: 0000ff
                """);
        var result = CliRunner.run("run", "<meta>{\"id\":\"s1\",\"tool\":\"swatch\",\"args\":{\"prompt\":\"blue\"}}</meta>",
                "--config", config.toString(), "--out", dir.resolve("out").toString(), "--store", dir.resolve("store").toString(),
                "--json");
        assertThat(result.exitCode()).as(result.err()).isZero();
        var artifact = result.out().lines().map(Json::parse).filter(e -> e.path("type").asText().equals("artifact")).findFirst()
                .orElseThrow();
        assertThat(artifact.path("tool").asText()).isEqualTo("swatch");
        assertThat(artifact.path("attributes").path("colour").asInt()).isEqualTo(0x0000ff);
    }

    private static class Named implements GeneratorToolFactory {
        private final String kind;

        Named(String kind) {
            this.kind = kind;
        }

        @Override
        public String kind() {
            return kind;
        }

        @Override
        public String description() {
            return "test";
        }

        @Override
        public GeneratorTool create(ToolSettings settings) {
            return new GeneratorTool() {
                @Override
                public ToolDescriptor descriptor() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
                    throw new UnsupportedOperationException();
                }
            };
        }
    }

    private static final class OtherNamed extends Named {
        OtherNamed(String kind) {
            super(kind);
        }
    }
}
