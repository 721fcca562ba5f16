package dev.modaweave.generators.local;

import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

class PreviewImageToolTest extends LocalToolContract {

    PreviewImageToolTest() {
        super(false, PreviewImageTool::new,
                "{\"prompt\":\"a red fox in the snow\",\"width\":200,\"height\":120}",
                "{}", "{\"prompt\":\"\"}", "{\"prompt\":\"x\",\"width\":5000}", "{\"prompt\":\"x\",\"style\":\"oil\"}");
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
