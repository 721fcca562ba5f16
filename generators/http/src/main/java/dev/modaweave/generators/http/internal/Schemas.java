package dev.modaweave.generators.http.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.ArgumentsSchema;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;

/** Builds the closed JSON Schema of a tool's arguments, one property at a time. */
public final class Schemas {

    private final ObjectNode schema = Json.object();
    private final ObjectNode properties;
    private final ArrayNode required;

    private Schemas() {
        schema.put("type", "object");
        properties = schema.putObject("properties");
        required = schema.putArray("required");
        schema.put("additionalProperties", false);
    }

    public static Schemas object() {
        return new Schemas();
    }

    public Schemas text(String name, String description, int maxLength, boolean mandatory) {
        ObjectNode p = properties.putObject(name);
        p.put("type", "string");
        p.put("minLength", mandatory ? 1 : 0);
        p.put("maxLength", maxLength);
        p.put("description", description);
        return mark(name, mandatory);
    }

    public Schemas integer(String name, String description, long min, long max) {
        ObjectNode p = properties.putObject(name);
        p.put("type", "integer");
        p.put("minimum", min);
        p.put("maximum", max);
        p.put("description", description);
        return this;
    }

    public Schemas number(String name, String description, double min, double max) {
        ObjectNode p = properties.putObject(name);
        p.put("type", "number");
        p.put("minimum", min);
        p.put("maximum", max);
        p.put("description", description);
        return this;
    }

    public Schemas artifact(String name, Modality modality, String description, boolean mandatory) {
        properties.set(name, ArgumentsSchema.artifactProperty(modality, description));
        return mark(name, mandatory);
    }

    public ObjectNode build() {
        return schema.deepCopy();
    }

    private Schemas mark(String name, boolean mandatory) {
        if (mandatory) {
            required.add(name);
        }
        return this;
    }
}
