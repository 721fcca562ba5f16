package dev.modaweave.generators.local;

import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.Tasks;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

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
}
