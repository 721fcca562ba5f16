package dev.modaweave.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ToolDescriptorTest {

    private static ToolDescriptor descriptor() {
        return ToolDescriptor.builder().name("paint").task("text-to-image").outputModality(Modality.IMAGE)
                .argumentsSchema((ObjectNode) Json.parse("{\"type\":\"object\",\"properties\":{\"prompt\":{\"type\":\"string\"}}}"))
                .example((ObjectNode) Json.parse("{\"prompt\":\"a fox\"}")).build();
    }

    @Test
    void callers_cannot_change_a_descriptor_through_its_json() {
        ToolDescriptor d = descriptor();
        d.argumentsSchema().put("type", "string");
        d.example().put("prompt", "changed");
        assertThat(d.argumentsSchema().get("type").asText()).isEqualTo("object");
        assertThat(d.example().get("prompt").asText()).isEqualTo("a fox");
        assertThat(d).isEqualTo(descriptor());
    }

    @Test
    void bad_names_tasks_and_capacities_are_refused_with_the_value() {
        assertThatThrownBy(() -> ToolDescriptor.builder().name("../x").task("text-to-image").outputModality(Modality.IMAGE)
                .argumentsSchema(Json.object()).build()).hasMessageContaining("'../x'");
        assertThatThrownBy(() -> ToolDescriptor.builder().name("x").task("Text To Image").outputModality(Modality.IMAGE)
                .argumentsSchema(Json.object()).build()).hasMessageContaining("'Text To Image'");
        assertThatThrownBy(() -> ToolDescriptor.builder().name("x").task("text-to-image").outputModality(Modality.IMAGE)
                .argumentsSchema(Json.object()).capacity(0).build()).hasMessageContaining("capacity 0");
    }
}
