package dev.modaweave.generators.djl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.GeneratorToolFactory;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.ToolSettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TorchScriptToolFactoryTest {

    private static GeneratorToolFactory factory() {
        return ServiceLoader.load(GeneratorToolFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.kind().equals("torchscript")).findFirst().orElseThrow();
    }

    @Test
    void the_spec_key_is_resolved_against_the_configuration_directory() {
        Path dir = TinyModels.spec("tiny-image").getParent();
        ObjectNode entry = (ObjectNode) Json.parse("{\"backend\":\"torchscript\",\"spec\":\"tiny-image.json\"}");
        try (GeneratorTool tool = factory().create(ToolSettings.of(entry, dir))) {
            assertThat(tool.descriptor().name()).isEqualTo("tiny-image");
        }
    }

    @Test
    void a_missing_spec_key_an_unknown_key_or_another_name_is_refused_in_words() {
        Path dir = TinyModels.spec("tiny-image").getParent();
        assertThatIllegalArgumentException().isThrownBy(() -> factory().create(ToolSettings.of(
                (ObjectNode) Json.parse("{\"backend\":\"torchscript\"}"), dir))).withMessageContaining("'spec'");
        assertThatIllegalArgumentException().isThrownBy(() -> factory().create(ToolSettings.of(
                (ObjectNode) Json.parse("{\"backend\":\"torchscript\",\"spec\":\"tiny-image.json\",\"model\":\"x.pt\"}"), dir)))
                .withMessageContaining("[model]").withMessageContaining("spec");
        assertThatIllegalArgumentException().isThrownBy(() -> factory().create(ToolSettings.of(
                (ObjectNode) Json.parse("{\"backend\":\"torchscript\",\"spec\":\"tiny-image.json\",\"name\":\"other\"}"), dir)))
                .withMessageContaining("other").withMessageContaining("tiny-image");
    }
}
