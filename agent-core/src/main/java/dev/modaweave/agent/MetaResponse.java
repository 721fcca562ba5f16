package dev.modaweave.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Tasks;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One structured call an LLM wrote: generate this, with these arguments. The dispatcher validates
 * it against the tool's schema and routes it.
 *
 * <p>An argument value {@code {"$ref": "img1"}} refers to the artifact of the earlier call whose
 * id is {@code img1} (or to an artifact id from an earlier turn); that makes a dependency edge.
 *
 * @param id      the call's id within the turn, referred to by {@code $ref}s; the parser assigns
 *                {@code call1}, {@code call2}… in stream order when the LLM gave none
 * @param task    what to do, e.g. {@code text-to-image}; null when {@code tool} names the tool
 * @param tool    a concrete tool name; null when the dispatcher should choose by {@code task}
 * @param args    the arguments, a JSON object (copied)
 * @param dialect the notation it was written in
 */
public record MetaResponse(String id, String task, String tool, ObjectNode args, Dialect dialect) {

    /** Ids are what a {@code $ref} can name: 1-64 letters, digits, {@code _ - .}. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    /** The key of an argument reference object. */
    public static final String REF = "$ref";

    public MetaResponse {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("meta-response id " + quote(id)
                    + " is invalid; use 1-64 letters, digits, '_', '-' or '.'");
        }
        if (task == null && tool == null) {
            throw new IllegalArgumentException("meta-response '" + id + "' names neither a task nor a tool");
        }
        if (task != null && !Tasks.isWellFormed(task)) {
            throw new IllegalArgumentException("meta-response '" + id + "' has task " + quote(task)
                    + "; a task is lower-case words joined by '-', e.g. text-to-image");
        }
        if (tool != null && tool.isBlank()) {
            throw new IllegalArgumentException("meta-response '" + id + "' has a blank tool name");
        }
        args = args == null ? Json.object() : args.deepCopy();
        Objects.requireNonNull(dialect, "dialect");
    }

    /** A canonical call by task. */
    public static MetaResponse ofTask(String id, String task, ObjectNode args) {
        return new MetaResponse(id, task, null, args, Dialect.CANONICAL);
    }

    /** The ids this call's arguments refer to with {@code {"$ref": …}}, in order of appearance. */
    public Set<String> references() {
        Set<String> refs = new LinkedHashSet<>();
        collectReferences(args, refs);
        return refs;
    }

    /** Whether {@code node} is an argument reference: an object whose only field is a string {@code $ref}. */
    public static boolean isReference(JsonNode node) {
        return node != null && node.isObject() && node.size() == 1 && node.path(REF).isTextual();
    }

    private static void collectReferences(JsonNode node, Set<String> out) {
        if (isReference(node)) {
            out.add(node.get(REF).asText());
        } else if (node.isContainerNode()) {
            node.forEach(child -> collectReferences(child, out));
        }
    }

    /** The canonical JSON object: {@code {"id":…,"task":…,"tool":…,"args":{…}}}, absent fields omitted. */
    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("id", id);
        if (task != null) {
            o.put("task", task);
        }
        if (tool != null) {
            o.put("tool", tool);
        }
        o.set("args", args.deepCopy());
        return o;
    }

    /** The canonical text form, {@code <meta>{…}</meta>}, that the parser reads back to an equal record. */
    public String toCanonicalText() {
        return "<meta>" + Json.write(toJson()) + "</meta>";
    }

    /** This call with another dialect (the content is unchanged). */
    public MetaResponse withDialect(Dialect other) {
        return new MetaResponse(id, task, tool, args, other);
    }

    /** The args as a plain map view for callers that do not use Jackson. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> argsAsMap() {
        return Json.MAPPER.convertValue(args, Map.class);
    }

    private static String quote(String s) {
        if (s == null) {
            return "null";
        }
        return "'" + (s.length() > 80 ? s.substring(0, 80) + "…" : s) + "'";
    }
}
