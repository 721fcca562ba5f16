package dev.modaweave.generators.diffusion;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.GeneratorToolFactory;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.ToolSettings;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The factory is found by ServiceLoader and builds tools from tools.backends entries. */
class DiffusionToolFactoryTest {

    private static GeneratorToolFactory factory() {
        return ServiceLoader.load(GeneratorToolFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.kind().equals("diffusion")).findFirst().orElseThrow();
    }

    @Test
    void service_loader_finds_the_diffusion_factory() {
        assertThat(factory()).isInstanceOf(DiffusionToolFactory.class);
        assertThat(factory().description()).contains("Stable Diffusion");
    }

    @Test
    void an_entry_with_a_relative_spec_path_and_overrides_makes_a_working_tool() {
        ObjectNode entry = (ObjectNode) Json.parse("""
                {"backend":"diffusion","name":"sd-fast","spec":"sd-tiny.json","scheduler":"euler-ancestral","device":"cpu","capacity":2}""");
        try (GeneratorTool tool = factory().create(ToolSettings.of(entry, TinyFixtures.dir()))) {
            assertThat(tool.descriptor().name()).isEqualTo("sd-fast");
            assertThat(tool.descriptor().task()).isEqualTo("text-to-image");
            assertThat(tool.descriptor().capacity()).isEqualTo(2);
            GenerationResult result = tool.generate(GenerationRequest.of("job-1",
                    (ObjectNode) Json.parse("{\"prompt\":\"a cat\",\"steps\":2,\"seed\":1}")), ProgressListener.NONE);
            assertThat(result.mimeType()).isEqualTo("image/png");
            assertThat(result.attributes()).containsEntry("scheduler", "euler-ancestral").containsEntry("width", 32);
        }
    }

    @Test
    void an_entry_without_spec_or_with_a_bad_device_is_refused_naming_the_key() {
        assertThatThrownBy(() -> factory().create(ToolSettings.of((ObjectNode) Json.parse("{\"backend\":\"diffusion\"}"), TinyFixtures.dir())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'spec'");
        assertThatThrownBy(() -> factory().create(ToolSettings.of((ObjectNode) Json.parse(
                "{\"backend\":\"diffusion\",\"spec\":\"sd-tiny.json\",\"device\":\"tpu\"}"), TinyFixtures.dir())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tpu");
    }
}
