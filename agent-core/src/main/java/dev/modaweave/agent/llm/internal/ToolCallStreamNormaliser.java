package dev.modaweave.agent.llm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.Json;

import java.util.HashMap;
import java.util.Map;

/**
 * Makes the tool calls of one provider stream unambiguous before LangChain4j's parsers read them.
 * LangChain4j assembles streamed tool calls by their {@code index} (0 when missing), so calls
 * that servers send without an index, with a repeated index, or without ids would be merged into one
 * bogus call or reported twice. Each chunk's tool calls get a stream-wide index (one per call) and
 * an id when they have none:
 *
 * <ul>
 *   <li>OpenAI-compatible: a delta with a new {@code id} starts a new call even if its index was used;
 *       a delta with a known id or a known index continues that call; a delta with neither continues the
 *       last call;</li>
 *   <li>Ollama: every entry of {@code message.tool_calls} is a whole call, so each gets its own index and
 *       an id.</li>
 * </ul>
 *
 * <p>A chunk that is not JSON is reported by {@link #normalise(String)} with an
 * {@link IllegalArgumentException} whose message says what was wrong in words. Not thread-safe: one
 * per stream.
 */
final class ToolCallStreamNormaliser {

    private final Map<String, Integer> byId = new HashMap<>();
    private final Map<Integer, Integer> byIndex = new HashMap<>();
    private int next;
    private int current = -1;

    /**
     * The event data with its tool calls made unambiguous; the same string when it has none.
     *
     * @throws IllegalArgumentException when the data is not a JSON object (nor the {@code [DONE]} marker)
     */
    String normalise(String data) {
        if (data == null) {
            return null;
        }
        String trimmed = data.trim();
        if (trimmed.isEmpty() || trimmed.equals("[DONE]")) {
            return data;
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(trimmed);
        } catch (Exception e) {
            node = null;
        }
        if (!(node instanceof ObjectNode chunk)) {
            throw new IllegalArgumentException("the server sent a stream chunk that is not a JSON object: " + abbreviate(trimmed));
        }
        if (!trimmed.contains("tool_calls")) {
            return data;
        }
        boolean changed = false;
        for (JsonNode choice : chunk.path("choices")) {
            if (choice.path("delta").path("tool_calls") instanceof ArrayNode calls) {
                for (JsonNode call : calls) {
                    if (call instanceof ObjectNode c) {
                        openAi(c);
                        changed = true;
                    }
                }
            }
        }
        if (chunk.path("message").path("tool_calls") instanceof ArrayNode calls) {
            for (JsonNode call : calls) {
                if (call instanceof ObjectNode c) {
                    int index = next++;
                    if (c.path("function") instanceof ObjectNode function) {
                        function.put("index", index);
                    }
                    if (!c.hasNonNull("id") || c.get("id").asText().isBlank()) {
                        c.put("id", "call_" + (index + 1));
                    }
                    changed = true;
                }
            }
        }
        return changed ? Json.write(chunk) : data;
    }

    private void openAi(ObjectNode call) {
        String id = call.hasNonNull("id") && !call.get("id").asText().isBlank() ? call.get("id").asText() : null;
        Integer index = call.hasNonNull("index") && call.get("index").canConvertToInt() ? call.get("index").asInt() : null;
        int assigned;
        if (id != null) {
            Integer known = byId.get(id);
            if (known != null) {
                assigned = known;
            } else {
                assigned = next++;
                byId.put(id, assigned);
            }
            if (index != null) {
                byIndex.put(index, assigned);
            }
        } else if (index != null && byIndex.containsKey(index)) {
            assigned = byIndex.get(index);
        } else if (index != null || current < 0) {
            assigned = next++;
            if (index != null) {
                byIndex.put(index, assigned);
            }
            call.put("id", "call_" + (assigned + 1));
        } else {
            assigned = current;
        }
        current = assigned;
        call.put("index", assigned);
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }
}
