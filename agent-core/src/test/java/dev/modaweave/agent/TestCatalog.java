package dev.modaweave.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ToolCatalog;
import dev.modaweave.tools.ToolDescriptor;

/** A small fixed catalog for protocol tests. */
final class TestCatalog {

    static ObjectNode json(String text) {
        return (ObjectNode) Json.parse(text);
    }

    static final ToolDescriptor IMAGE = ToolDescriptor.builder()
            .name("paint").task("text-to-image").outputModality(Modality.IMAGE)
            .argumentsSchema(json("""
                    {"type":"object","required":["prompt"],"additionalProperties":false,
                     "properties":{"prompt":{"type":"string","minLength":1},"width":{"type":"integer","minimum":64,"maximum":2048}}}"""))
            .build();
    static final ToolDescriptor EDIT = ToolDescriptor.builder()
            .name("retouch").task("image-edit").inputModalities(Modality.IMAGE, Modality.TEXT).outputModality(Modality.IMAGE)
            .argumentsSchema(json("""
                    {"type":"object","required":["image","prompt"],"additionalProperties":false,
                     "properties":{"image":{"type":"string","pattern":"^art_[a-z2-7]{26}$","contentMediaType":"image/*"},
                                   "prompt":{"type":"string"},"strength":{"type":"number","minimum":0,"maximum":1}}}"""))
            .build();
    static final ToolDescriptor SPEECH = ToolDescriptor.builder()
            .name("voice").task("text-to-speech").outputModality(Modality.AUDIO)
            .argumentsSchema(json("""
                    {"type":"object","required":["text"],"properties":{"text":{"type":"string"}}}"""))
            .build();

    static ToolCatalog catalog() {
        return ToolCatalog.of(IMAGE, EDIT, SPEECH);
    }

    private TestCatalog() {
    }
}
