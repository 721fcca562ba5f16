package dev.modaweave.generators.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.GeneratorToolFactory;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.ToolSettings;
import dev.modaweave.tools.Tasks;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ServiceRegistrationTest {

    @Test
    void every_local_tool_is_found_by_the_service_loader_with_one_tool_per_task() {
        var tools = ServiceLoader.load(GeneratorTool.class).stream().map(ServiceLoader.Provider::get).toList();
        assertThat(tools).extracting(t -> t.descriptor().task())
                .contains(Tasks.TEXT_TO_IMAGE, Tasks.TEXT_TO_VIDEO, Tasks.TEXT_TO_AUDIO, Tasks.TEXT_TO_SPEECH, Tasks.IMAGE_EDIT);
        assertThat(tools).extracting(t -> t.descriptor().name())
                .contains(LocalSpeechTool.NAME, PreviewImageTool.NAME, PreviewVideoTool.NAME, PreviewAudioTool.NAME,
                        PreviewImageEditTool.NAME)
                .doesNotHaveDuplicates();
        tools.forEach(GeneratorTool::close);
    }

    @Test
    void the_local_speech_factory_makes_a_named_speech_tool_and_refuses_an_unknown_engine() {
        GeneratorToolFactory factory = ServiceLoader.load(GeneratorToolFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.kind().equals("local-speech")).findFirst().orElseThrow();
        var entry = (ObjectNode) Json.parse("{\"backend\":\"local-speech\",\"name\":\"narrator\",\"engine\":\"freetts\"}");
        try (GeneratorTool tool = factory.create(ToolSettings.of(entry, Path.of("")))) {
            assertThat(tool.descriptor().name()).isEqualTo("narrator");
            assertThat(((LocalSpeechTool) tool).engine()).isEqualTo("freetts");
        }
        var bad = (ObjectNode) Json.parse("{\"backend\":\"local-speech\",\"engine\":\"festival\"}");
        assertThatIllegalArgumentException().isThrownBy(() -> factory.create(ToolSettings.of(bad, Path.of(""))))
                .withMessageContaining("festival").withMessageContaining("freetts");
    }
}
