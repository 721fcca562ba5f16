package dev.modaweave.tools.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.Artifact;
import dev.modaweave.tools.Json;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The JSON form of {@link Artifact} metadata, used in the store's sidecar files and on the bus. */
public final class ArtifactJson {

    private ArtifactJson() {
    }

    @SuppressWarnings("unchecked")
    public static Artifact read(JsonNode n) {
        List<String> parents = new ArrayList<>();
        n.path("parents").forEach(p -> parents.add(p.asText()));
        Map<String, Object> attributes = Json.MAPPER.convertValue(n.path("attributes"), Map.class);
        JsonNode args = n.path("arguments");
        return new Artifact(
                n.path("id").asText(),
                n.path("mimeType").asText(),
                n.path("size").asLong(),
                n.path("sha256").asText(),
                attributes == null ? Map.of() : attributes,
                n.path("tool").asText(),
                args.isObject() ? (ObjectNode) args : Json.object(),
                parents,
                Instant.parse(n.path("created").asText()));
    }

    /** The same JSON as {@link #write}, as a Vert.x object for the bus. */
    public static io.vertx.core.json.JsonObject toJsonObject(Artifact a) {
        return Json.toJsonObject(write(a));
    }

    public static ObjectNode write(Artifact a) {
        ObjectNode o = Json.object();
        o.put("id", a.id());
        o.put("mimeType", a.mimeType());
        o.put("size", a.size());
        o.put("sha256", a.sha256());
        o.set("attributes", Json.MAPPER.valueToTree(a.attributes()));
        o.put("tool", a.tool());
        o.set("arguments", a.arguments());
        ArrayNode parents = o.putArray("parents");
        a.parents().forEach(parents::add);
        o.put("created", a.created().toString());
        return o;
    }
}
