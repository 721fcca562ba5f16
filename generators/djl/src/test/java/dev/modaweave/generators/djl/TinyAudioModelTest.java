package dev.modaweave.generators.djl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.contract.GeneratorToolContract;
import org.junit.jupiter.api.Test;

import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayInputStream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract for a TorchScript model that returns audio samples. */
class TinyAudioModelTest extends GeneratorToolContract {

    @Override
    protected GeneratorTool createTool() {
        return TorchScriptTool.load(TinyModels.spec("tiny-audio"));
    }

    @Override
    protected ObjectNode validArguments() {
        return args("{\"prompt\":\"birdsong at dawn\"}");
    }

    @Override
    protected List<ObjectNode> invalidArguments() {
        return List.of(args("{}"), args("{\"prompt\":3}"));
    }

    @Override
    protected boolean deterministic() {
        return true;
    }

    @Test
    void the_wav_holds_one_second_at_the_spec_s_sample_rate() throws Exception {
        var result = generate(validArguments());
        try (var in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(result.bytes()))) {
            assertThat(in.getFormat().getSampleRate()).isEqualTo(8000f);
            assertThat(in.getFrameLength()).isEqualTo(8000);
        }
        assertThat(result.attributes()).containsEntry("durationMs", 1000L);
    }

    @Test
    void different_prompts_sound_different() {
        assertThat(generate(args("{\"prompt\":\"birdsong at dawn\"}")).bytes())
                .isNotEqualTo(generate(args("{\"prompt\":\"a diesel engine idling\"}")).bytes());
    }
}
