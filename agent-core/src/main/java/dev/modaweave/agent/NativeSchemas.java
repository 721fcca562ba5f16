package dev.modaweave.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;

import java.util.ArrayList;
import java.util.List;

/**
 * Converts a tool's JSON Schema to LangChain4j's schema elements for native function calling. An
 * artifact argument becomes a string described as "an artifact id or the id of an earlier call";
 * the agent turns such values back into {@code {"$ref": …}}.
 */
final class NativeSchemas {

    static JsonObjectSchema toJsonObjectSchema(ObjectNode schema) {
        JsonObjectSchema.Builder b = JsonObjectSchema.builder();
        schema.path("properties").fields().forEachRemaining(f -> b.addProperty(f.getKey(), element(f.getValue())));
        List<String> required = new ArrayList<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        b.required(required);
        if (schema.has("description")) {
            b.description(schema.get("description").asText());
        }
        return b.build();
    }

    private static JsonSchemaElement element(JsonNode p) {
        String description = p.path("description").asText(null);
        if (p.has("contentMediaType")) {
            String media = p.get("contentMediaType").asText().replace("/*", "");
            return JsonStringSchema.builder().description((description == null ? "" : description + " ")
                    + "(" + media + ": an artifact id art_… or the id of an earlier call)").build();
        }
        if (p.has("enum")) {
            List<String> values = new ArrayList<>();
            p.get("enum").forEach(v -> values.add(v.asText()));
            return JsonEnumSchema.builder().enumValues(values).description(description).build();
        }
        return switch (p.path("type").asText("string")) {
            case "integer" -> JsonIntegerSchema.builder().description(description).build();
            case "number" -> JsonNumberSchema.builder().description(description).build();
            case "boolean" -> JsonBooleanSchema.builder().description(description).build();
            case "array" -> JsonArraySchema.builder().items(element(p.path("items"))).description(description).build();
            case "object" -> p.isObject() ? toJsonObjectSchema((ObjectNode) p) : JsonObjectSchema.builder().build();
            default -> JsonStringSchema.builder().description(description).build();
        };
    }

    private NativeSchemas() {
    }
}
