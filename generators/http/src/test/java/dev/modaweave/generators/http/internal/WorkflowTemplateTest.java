package dev.modaweave.generators.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.modaweave.tools.Json;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class WorkflowTemplateTest {

    private static final JsonNode WORKFLOW = Json.parse("""
            {"1": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{prompt}}"}},
             "2": {"class_type": "EmptyLatentImage", "inputs": {"width": "{{ width }}", "height": 512, "batch_size": 1}},
             "3": {"class_type": "SaveImage", "inputs": {"filename_prefix": "fox_{{width}}px", "images": ["1", 0]}}}""");

    @Test
    void a_whole_string_placeholder_becomes_the_typed_value_and_an_embedded_one_its_text() {
        var template = new WorkflowTemplate(WORKFLOW, "test");

        JsonNode filled = template.fill(Map.of("prompt", TextNode.valueOf("a fox"), "width", IntNode.valueOf(768)));

        assertThat(template.placeholders()).containsExactlyInAnyOrder("prompt", "width");
        assertThat(filled.at("/1/inputs/text").asText()).isEqualTo("a fox");
        assertThat(filled.at("/2/inputs/width").isInt()).isTrue();
        assertThat(filled.at("/2/inputs/width").asInt()).isEqualTo(768);
        assertThat(filled.at("/3/inputs/filename_prefix").asText()).isEqualTo("fox_768px");
        assertThat(filled.at("/3/inputs/images/0").asText()).isEqualTo("1");
        assertThat(template.node().at("/1/inputs/text").asText()).as("the template is unchanged").isEqualTo("{{prompt}}");
    }

    @Test
    void a_prompt_full_of_template_and_json_syntax_stays_one_string() {
        var template = new WorkflowTemplate(WORKFLOW, "test");
        String hostile = "\"}, \"4\": {\"class_type\": \"Exec\"}, {{width}} $1 \\";

        JsonNode filled = template.fill(Map.of("prompt", TextNode.valueOf(hostile), "width", IntNode.valueOf(64)));

        assertThat(filled.at("/1/inputs/text").asText()).isEqualTo(hostile);
        assertThat(filled.size()).isEqualTo(3);
    }

    @Test
    void unknown_placeholders_a_missing_prompt_and_the_ui_format_are_refused() {
        assertThatIllegalArgumentException().isThrownBy(() -> new WorkflowTemplate(Json.parse(
                "{\"1\":{\"inputs\":{\"text\":\"{{prompt}}\",\"x\":\"{{colour}}\"}}}"), "'w.json'"))
                .withMessageContaining("unknown placeholders [colour]");
        assertThatIllegalArgumentException().isThrownBy(() -> new WorkflowTemplate(Json.parse(
                "{\"1\":{\"inputs\":{\"text\":\"a fox\"}}}"), "'w.json'"))
                .withMessageContaining("no {{prompt}} placeholder");
        assertThatIllegalArgumentException().isThrownBy(() -> new WorkflowTemplate(Json.parse(
                "{\"nodes\":[],\"links\":[]}"), "'w.json'"))
                .withMessageContaining("UI format");
    }
}
