package dev.modaweave.generators.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.GeneratorTool;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PreviewImageToolTest extends LocalToolContract {

    PreviewImageToolTest() {
        super(false);
    }

    @Override
    protected GeneratorTool createTool() {
        return new PreviewImageTool();
    }

    @Override
    protected ObjectNode validArguments() {
        return args("{\"prompt\":\"a red fox in the snow\",\"width\":200,\"height\":120}");
    }

    @Override
    protected List<ObjectNode> invalidArguments() {
        return List.of(args("{}"), args("{\"prompt\":\"\"}"), args("{\"prompt\":\"x\",\"width\":5000}"),
                args("{\"prompt\":\"x\",\"style\":\"oil\"}"));
    }

    @Test
    void different_prompts_give_different_images() {
        assertThat(generate(args("{\"prompt\":\"a red fox\"}")).bytes())
                .isNotEqualTo(generate(args("{\"prompt\":\"a blue whale\"}")).bytes());
    }

    @Test
    void a_seed_varies_the_image_for_the_same_prompt() {
        assertThat(generate(args("{\"prompt\":\"a red fox\",\"seed\":1}")).bytes())
                .isNotEqualTo(generate(args("{\"prompt\":\"a red fox\",\"seed\":2}")).bytes());
    }

    @Test
    void the_descriptor_marks_it_as_a_preview() {
        assertThat(tool().descriptor().preview()).isTrue();
        assertThat(generate(validArguments()).attributes()).containsEntry("preview", true);
    }
}
