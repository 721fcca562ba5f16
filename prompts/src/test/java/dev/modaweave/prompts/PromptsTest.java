package dev.modaweave.prompts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.ArgumentsSchema;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ToolCatalog;
import dev.modaweave.tools.ToolDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PromptsTest {

    private static ObjectNode json(String s) {
        return (ObjectNode) Json.parse(s);
    }

    private static final ToolDescriptor IMAGE = ToolDescriptor.builder().name("paint").task("text-to-image")
            .outputModality(Modality.IMAGE).description("Draws a picture.").preview(true)
            .argumentsSchema(json("{\"type\":\"object\",\"required\":[\"prompt\"],\"properties\":{\"prompt\":{\"type\":\"string\",\"description\":\"what to draw\"},\"width\":{\"type\":\"integer\",\"minimum\":64,\"maximum\":1024}}}"))
            .example(json("{\"prompt\":\"a fox\"}")).build();

    private static ToolDescriptor edit() {
        ObjectNode schema = json("{\"type\":\"object\",\"required\":[\"image\",\"prompt\"],\"properties\":{\"prompt\":{\"type\":\"string\"}}}");
        ((ObjectNode) schema.get("properties")).set("image", ArgumentsSchema.artifactProperty(Modality.IMAGE, "the image to change"));
        return ToolDescriptor.builder().name("retouch").task("image-edit").outputModality(Modality.IMAGE)
                .inputModalities(Modality.IMAGE, Modality.TEXT).description("Edits a picture.").argumentsSchema(schema).build();
    }

    @Test
    void system_prompt_lists_the_registered_tools_with_arguments_and_examples() {
        String prompt = Prompts.defaults().systemPrompt(ToolCatalog.of(IMAGE, edit()), false);
        assertThat(prompt).contains("<meta>")
                .contains("task \"text-to-image\"").contains("tool \"paint\" (preview): Draws a picture.")
                .contains("prompt (string, required): what to draw").contains("width (integer 64–1024, optional)")
                .contains("example: <meta>{\"id\":\"x1\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"a fox\"}}</meta>")
                .contains("image (image artifact: {\"$ref\":…}, required): the image to change")
                .doesNotContain("{{");
    }

    @Test
    void the_native_system_prompt_shows_each_tools_arguments_and_no_meta_examples() {
        ToolDescriptor real = ToolDescriptor.builder().name("automatic1111").task("text-to-image").outputModality(Modality.IMAGE)
                .description("Stable Diffusion on AUTOMATIC1111.")
                .argumentsSchema(json("{\"type\":\"object\",\"required\":[\"prompt\"],\"properties\":{\"prompt\":{\"type\":\"string\"},\"negative_prompt\":{\"type\":\"string\"}}}"))
                .example(json("{\"prompt\":\"a fox\"}")).build();
        String prompt = Prompts.defaults().systemPrompt(ToolCatalog.of(IMAGE, real), true);
        assertThat(prompt).doesNotContain("<meta>").doesNotContain("example:")
                .contains("tool \"automatic1111\": Stable Diffusion on AUTOMATIC1111.")
                .contains("negative_prompt (string, optional)")
                .contains("width (integer 64–1024, optional)");
    }

    @Test
    void the_catalog_changes_when_tools_come_and_go() {
        var prompts = Prompts.defaults();
        assertThat(prompts.catalog(ToolCatalog.of(IMAGE))).doesNotContain("image-edit");
        assertThat(prompts.catalog(ToolCatalog.of(IMAGE, edit()))).contains("image-edit");
        assertThat(prompts.catalog(ToolCatalog.of())).contains("no generator tool is registered");
    }

    @Test
    void few_shots_only_use_available_tasks() {
        var prompts = Prompts.defaults();
        List<Prompts.FewShot> onlyImage = prompts.fewShots(ToolCatalog.of(IMAGE));
        assertThat(onlyImage).isNotEmpty().allSatisfy(f -> assertThat(f.assistant()).doesNotContain("image-edit", "text-to-speech"));
        assertThat(prompts.fewShots(ToolCatalog.of(IMAGE, edit())).size()).isGreaterThan(onlyImage.size());
        assertThat(prompts.fewShots(ToolCatalog.of())).singleElement()
                .satisfies(f -> assertThat(f.assistant()).doesNotContain("<meta>"));
    }

    @Test
    void repair_and_results_prompts_list_each_item() {
        var prompts = Prompts.defaults();
        assertThat(prompts.repair(List.of("img1/prompt: must not be empty", "call2: unknown task 'x'")))
                .contains("- img1/prompt: must not be empty\n- call2: unknown task 'x'");
        assertThat(prompts.results(List.of("img1 → art_x (image/png)"))).contains("- img1 → art_x (image/png)");
    }

    @Test
    void a_directory_overrides_prompts_by_file_name(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("repair.txt"), "Fix these:\n{{problems}}");
        assertThat(Prompts.defaults().withOverrides(dir).repair(List.of("a"))).isEqualTo("Fix these:\n- a");
    }

    @Test
    void an_unknown_placeholder_is_an_error(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("repair.txt"), "{{mistake}}");
        var prompts = Prompts.defaults().withOverrides(dir);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> prompts.repair(List.of("a")))
                .hasMessageContaining("{{mistake}}");
    }
}
