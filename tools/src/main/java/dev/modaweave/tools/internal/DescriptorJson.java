package dev.modaweave.tools.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ToolDescriptor;

import java.util.EnumSet;
import java.util.Set;

/** The JSON form of a {@link ToolDescriptor}, as workers announce it on the bus. */
public final class DescriptorJson {

    private DescriptorJson() {
    }

    public static ObjectNode write(ToolDescriptor d) {
        ObjectNode o = Json.object();
        o.put("name", d.name());
        o.put("task", d.task());
        ArrayNode inputs = o.putArray("inputModalities");
        d.inputModalities().stream().sorted().forEach(m -> inputs.add(m.wireName()));
        o.put("outputModality", d.outputModality().wireName());
        o.set("argumentsSchema", d.argumentsSchema());
        o.put("description", d.description());
        if (d.example() != null) {
            o.set("example", d.example());
        }
        o.put("capacity", d.capacity());
        o.put("preview", d.preview());
        o.put("priority", d.priority());
        return o;
    }

    /** @throws IllegalArgumentException when a field is missing or invalid */
    public static ToolDescriptor read(JsonNode n) {
        Set<Modality> inputs = EnumSet.noneOf(Modality.class);
        n.path("inputModalities").forEach(m -> inputs.add(Modality.fromWireName(m.asText())));
        JsonNode schema = n.path("argumentsSchema");
        if (!schema.isObject()) {
            throw new IllegalArgumentException("announced tool '" + n.path("name").asText() + "' has no argumentsSchema object");
        }
        JsonNode example = n.get("example");
        return ToolDescriptor.builder()
                .name(n.path("name").asText(null))
                .task(n.path("task").asText(null))
                .inputModalities(inputs)
                .outputModality(Modality.fromWireName(n.path("outputModality").asText()))
                .argumentsSchema((ObjectNode) schema)
                .description(n.path("description").asText(""))
                .example(example != null && example.isObject() ? (ObjectNode) example : null)
                .capacity(n.path("capacity").asInt(1))
                .preview(n.path("preview").asBoolean(false))
                .priority(n.path("priority").asInt(0))
                .build();
    }
}
