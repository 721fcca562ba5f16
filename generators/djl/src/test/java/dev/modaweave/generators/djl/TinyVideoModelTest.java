package dev.modaweave.generators.djl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.contract.GeneratorToolContract;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract for a TorchScript model that returns frames (MP4 with ffmpeg, else GIF). */
class TinyVideoModelTest extends GeneratorToolContract {

    @Override
    protected GeneratorTool createTool() {
        return TorchScriptTool.load(TinyModels.spec("tiny-video"));
    }

    @Override
    protected ObjectNode validArguments() {
        return args("{\"prompt\":\"a kite over the dunes\"}");
    }

    @Override
    protected List<ObjectNode> invalidArguments() {
        return List.of(args("{}"), args("{\"prompt\":\"x\",\"seed\":1.5}"));
    }

    @Override
    protected boolean deterministic() {
        return true;
    }

    @Test
    void the_video_has_every_frame_of_the_tensor() {
        assertThat(generate(validArguments()).attributes())
                .containsEntry("frames", 8).containsEntry("fps", 8).containsEntry("width", 32).containsEntry("durationMs", 1000L);
    }

    @Test
    void different_prompts_give_different_videos() {
        assertThat(generate(args("{\"prompt\":\"a kite over the dunes\"}")).bytes())
                .isNotEqualTo(generate(args("{\"prompt\":\"traffic in the rain\"}")).bytes());
    }
}
