package dev.modaweave.generators.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ComfyUI workflow (API format) whose string values may hold placeholders such as
 * {@code "{{prompt}}"}. A string that is exactly one placeholder becomes the value itself (a number
 * for {@code {{seed}}}); a placeholder inside a longer string is replaced by the value's text.
 * Values are set into the JSON tree, never spliced into JSON text, so a prompt cannot change the
 * workflow's structure.
 */
public final class WorkflowTemplate {

    /** The placeholders a workflow may use. */
    public static final Set<String> KNOWN = Set.of("prompt", "negative_prompt", "seed", "width", "height", "frames",
            "image", "strength");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-zA-Z_]+)\\s*}}");

    private final ObjectNode workflow;
    private final Set<String> used;

    /** @throws IllegalArgumentException when the workflow is not an API-format object, uses unknown placeholders or lacks {@code {{prompt}}} */
    public WorkflowTemplate(JsonNode workflow, String origin) {
        if (workflow == null || !workflow.isObject() || workflow.isEmpty()) {
            throw new IllegalArgumentException("the ComfyUI workflow " + origin
                    + " is not a JSON object of nodes; export it with 'Save (API Format)'");
        }
        if (workflow.has("nodes") && workflow.has("links")) {
            throw new IllegalArgumentException("the ComfyUI workflow " + origin
                    + " is in the UI format; export it with 'Save (API Format)' instead");
        }
        this.workflow = (ObjectNode) workflow.deepCopy();
        Set<String> found = new TreeSet<>();
        collect(this.workflow, found);
        Set<String> unknown = new TreeSet<>(found);
        unknown.removeAll(KNOWN);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("the ComfyUI workflow " + origin + " uses unknown placeholders " + unknown
                    + "; known ones are " + new TreeSet<>(KNOWN));
        }
        if (!found.contains("prompt")) {
            throw new IllegalArgumentException("the ComfyUI workflow " + origin
                    + " has no {{prompt}} placeholder; put \"{{prompt}}\" where the positive prompt text goes");
        }
        this.used = Set.copyOf(found);
    }

    /** The placeholders this workflow uses. */
    public Set<String> placeholders() {
        return used;
    }

    /** The template itself. */
    public ObjectNode node() {
        return workflow.deepCopy();
    }

    /** A copy of the workflow with every placeholder replaced by its value from {@code values}. */
    public ObjectNode fill(Map<String, JsonNode> values) {
        ObjectNode copy = workflow.deepCopy();
        replace(copy, values);
        return copy;
    }

    private static void collect(JsonNode node, Set<String> found) {
        if (node.isTextual()) {
            Matcher m = PLACEHOLDER.matcher(node.asText());
            while (m.find()) {
                found.add(m.group(1));
            }
        }
        node.forEach(child -> collect(child, found));
    }

    private static void replace(JsonNode node, Map<String, JsonNode> values) {
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                if (field.getValue().isTextual()) {
                    field.setValue(substitute(field.getValue().asText(), values));
                } else {
                    replace(field.getValue(), values);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    array.set(i, substitute(array.get(i).asText(), values));
                } else {
                    replace(array.get(i), values);
                }
            }
        }
    }

    private static JsonNode substitute(String text, Map<String, JsonNode> values) {
        Matcher whole = PLACEHOLDER.matcher(text);
        if (whole.matches()) {
            JsonNode value = values.get(whole.group(1));
            return value == null ? TextNode.valueOf("") : value.deepCopy();
        }
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            JsonNode value = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : value.asText()));
        }
        m.appendTail(out);
        return TextNode.valueOf(out.toString());
    }
}
