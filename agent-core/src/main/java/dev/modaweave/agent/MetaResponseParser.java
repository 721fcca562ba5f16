package dev.modaweave.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.Json;

import java.util.ArrayList;
import java.util.List;

/**
 * Stand-in with the agreed signature until the incremental parser lands: reads canonical
 * {@code <meta>…</meta>} blocks from a complete text.
 */
public final class MetaResponseParser {

    private final StringBuilder buffer = new StringBuilder();

    /** Buffers {@code chunk}; this stand-in emits everything at {@link #finish()}. */
    public List<ParseEvent> feed(CharSequence chunk) {
        buffer.append(chunk);
        return List.of();
    }

    /** The events of everything fed. */
    public List<ParseEvent> finish() {
        return parseAll(buffer.toString());
    }

    /** The events of a complete text. */
    public static List<ParseEvent> parseAll(String text) {
        List<ParseEvent> events = new ArrayList<>();
        int pos = 0;
        int n = 0;
        while (true) {
            int open = text.indexOf("<meta>", pos);
            if (open < 0) {
                break;
            }
            if (open > pos) {
                events.add(new ParseEvent.Text(text.substring(pos, open)));
            }
            int close = text.indexOf("</meta>", open);
            if (close < 0) {
                events.add(new ParseEvent.Malformed(text.substring(open), "unterminated <meta> block"));
                return events;
            }
            String raw = text.substring(open, close + 7);
            n++;
            try {
                JsonNode node = Json.parse(text.substring(open + 6, close));
                ObjectNode args = node.path("args").isObject() ? (ObjectNode) node.get("args") : null;
                String id = node.hasNonNull("id") ? node.get("id").asText() : "call" + n;
                String task = node.hasNonNull("task") ? node.get("task").asText() : null;
                String tool = node.hasNonNull("tool") ? node.get("tool").asText() : null;
                events.add(new ParseEvent.Meta(new MetaResponse(id, task, tool, args, Dialect.CANONICAL), List.of()));
            } catch (IllegalArgumentException e) {
                events.add(new ParseEvent.Malformed(raw, String.valueOf(e.getMessage())));
            }
            pos = close + 7;
        }
        if (pos < text.length()) {
            events.add(new ParseEvent.Text(text.substring(pos)));
        }
        return events;
    }
}
