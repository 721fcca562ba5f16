package dev.modaweave.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Tasks;
import dev.modaweave.tools.ToolCatalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes the meta-response dialects one block at a time: the canonical JSON object,
 * ModaVerse's {@code Modality: [IMAGE] Prompt: …} line, the paper's {@code {Model: "T-to-I", Input: "…"}}
 * and chat APIs' native tool calls. The {@link MetaResponseParser} finds the blocks in a stream and
 * calls these; they are public for code that already holds one block (an exporter, a native tool call).
 *
 * <p>Readers never throw on bad input: they return a {@link ParseEvent.Malformed} with the reason.
 */
public final class Dialects {

    /** ModaVerse modality names and the task each maps to. */
    private static final Map<String, String> MODAVERSE_TASKS = Map.of(
            "IMAGE", Tasks.TEXT_TO_IMAGE,
            "VIDEO", Tasks.TEXT_TO_VIDEO,
            "AUDIO", Tasks.TEXT_TO_AUDIO);
    /** The paper's model names and the task each maps to. */
    private static final Map<String, String> PAPER_TASKS = Map.of(
            "T-TO-I", Tasks.TEXT_TO_IMAGE,
            "T-TO-V", Tasks.TEXT_TO_VIDEO,
            "T-TO-A", Tasks.TEXT_TO_AUDIO);
    private static final Set<String> CANONICAL_KEYS = Set.of("id", "task", "tool", "args");

    private static final Pattern MODAVERSE_LINE = Pattern.compile(
            "modality\\s*:\\s*\\[\\s*([a-z]+)\\s*]\\s*,?\\s*prompt\\s*:\\s*(.*?)\\s*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern CODE_FENCE = Pattern.compile("```[a-zA-Z]*\\s*(.*?)\\s*```", Pattern.DOTALL);
    private static final ObjectMapper LENIENT = Json.MAPPER.copy();

    static {
        LENIENT.enable(JsonReadFeature.ALLOW_TRAILING_COMMA.mappedFeature());
        LENIENT.getFactory().setStreamReadConstraints(Json.MAPPER.getFactory().streamReadConstraints());
    }

    /**
     * Reads the content between {@code <meta>} and {@code </meta>}.
     *
     * @param content   the block's content, without the tags
     * @param defaultId the id to use when the block has none
     * @return a {@link ParseEvent.Meta} (with the repairs made, if any) or a {@link ParseEvent.Malformed}
     */
    public static ParseEvent readCanonical(String content, String defaultId) {
        String raw = "<meta>" + content + "</meta>";
        List<String> repairs = new ArrayList<>(2);
        String json = content.strip();
        if (json.startsWith("```")) {
            Matcher fence = CODE_FENCE.matcher(json);
            if (fence.matches()) {
                json = fence.group(1);
                repairs.add("removed a ``` code fence around the JSON");
            }
        }
        if (json.isEmpty()) {
            return new ParseEvent.Malformed(raw, "empty meta-response: expected a JSON object such as "
                    + "{\"id\":\"img1\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"…\"}}");
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException strict) {
            try {
                node = LENIENT.readTree(json);
                repairs.add("removed a trailing comma");
            } catch (JsonProcessingException e) {
                return new ParseEvent.Malformed(raw, "invalid JSON: " + describe(strict));
            }
        }
        if (node == null || !node.isObject()) {
            return new ParseEvent.Malformed(raw, "expected a JSON object, got "
                    + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase(Locale.ROOT)));
        }
        return fromCanonicalObject((ObjectNode) node, defaultId, Dialect.CANONICAL, raw, repairs);
    }

    /**
     * Reads one ModaVerse line, {@code Modality: [IMAGE] Prompt: a cat on a mat}.
     *
     * @param line the line without its line break
     */
    public static ParseEvent readModaVerseLine(String line, String id) {
        Matcher m = MODAVERSE_LINE.matcher(line.strip());
        if (!m.matches()) {
            return new ParseEvent.Malformed(line, "expected 'Modality: [IMAGE|VIDEO|AUDIO] Prompt: <text>'");
        }
        String modality = m.group(1).toUpperCase(Locale.ROOT);
        String task = MODAVERSE_TASKS.get(modality);
        if (task == null) {
            return new ParseEvent.Malformed(line, "unknown modality '" + m.group(1) + "'; expected IMAGE, VIDEO or AUDIO");
        }
        String prompt = m.group(2);
        if (prompt.isEmpty()) {
            return new ParseEvent.Malformed(line, "the prompt after 'Prompt:' is empty");
        }
        ObjectNode args = Json.object().put("prompt", prompt);
        return new ParseEvent.Meta(new MetaResponse(id, task, null, args, Dialect.MODAVERSE), line, List.of());
    }

    /**
     * Reads the paper's notation {@code {Model: "T-to-I", Input: "a photo of a cat"}}: keys may be
     * unquoted; values are JSON strings.
     */
    public static ParseEvent readPaperNotation(String block, String id) {
        Map<String, String> fields;
        try {
            fields = new PaperNotation(block).read();
        } catch (IllegalArgumentException e) {
            return new ParseEvent.Malformed(block, e.getMessage());
        }
        String model = fields.get("model");
        String input = fields.get("input");
        if (model == null || input == null) {
            return new ParseEvent.Malformed(block, "expected {Model: \"T-to-I|T-to-V|T-to-A\", Input: \"…\"}; missing "
                    + (model == null ? "Model" : "Input"));
        }
        String task = PAPER_TASKS.get(model.strip().toUpperCase(Locale.ROOT));
        if (task == null) {
            return new ParseEvent.Malformed(block, "unknown Model '" + model + "'; expected T-to-I, T-to-V or T-to-A");
        }
        if (input.isBlank()) {
            return new ParseEvent.Malformed(block, "Input is empty");
        }
        ObjectNode args = Json.object().put("prompt", input.strip());
        return new ParseEvent.Meta(new MetaResponse(id, task, null, args, Dialect.MODAVERSE), block, List.of());
    }

    /**
     * Maps a chat API's native tool call. The function name is a tool name when the catalog has a
     * tool of that name, otherwise a task; its arguments are the call's args.
     *
     * @param catalog   the tools registered now, or null to treat well-known task names as tasks and
     *                  anything else as a tool name
     * @param defaultId used when the request's id is absent or not a valid meta-response id
     */
    public static ParseEvent fromToolExecutionRequest(ToolExecutionRequest request, ToolCatalog catalog, String defaultId) {
        String raw = "{\"id\":" + Json.write(request.id()) + ",\"name\":" + Json.write(request.name())
                + ",\"arguments\":" + Json.write(request.arguments()) + "}";
        String name = request.name();
        if (name == null || name.isBlank()) {
            return new ParseEvent.Malformed(raw, "the tool call has no function name");
        }
        String id = request.id() != null && MetaResponse.ID.matcher(request.id()).matches() ? request.id() : defaultId;
        String arguments = request.arguments() == null || request.arguments().isBlank() ? "{}" : request.arguments();
        JsonNode args;
        try {
            args = Json.MAPPER.readTree(arguments);
        } catch (JsonProcessingException e) {
            return new ParseEvent.Malformed(raw, "the arguments of tool call '" + name + "' are not valid JSON: " + describe(e));
        }
        if (!args.isObject()) {
            return new ParseEvent.Malformed(raw, "the arguments of tool call '" + name + "' must be a JSON object");
        }
        boolean isTool = catalog != null ? catalog.byName(name).isPresent() : !Tasks.WELL_KNOWN.contains(name);
        try {
            MetaResponse call = isTool
                    ? new MetaResponse(id, null, name, (ObjectNode) args, Dialect.NATIVE)
                    : new MetaResponse(id, name, null, (ObjectNode) args, Dialect.NATIVE);
            return new ParseEvent.Meta(call, raw, List.of());
        } catch (IllegalArgumentException e) {
            return new ParseEvent.Malformed(raw, e.getMessage());
        }
    }

    /** The ModaVerse line for a text-to-image/video/audio call, {@code Modality: [IMAGE] Prompt: …}. */
    public static String toModaVerseText(MetaResponse call) {
        String modality = MODAVERSE_TASKS.entrySet().stream()
                .filter(e -> e.getValue().equals(call.task()))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("task '" + call.task()
                        + "' has no ModaVerse form; only text-to-image, text-to-video and text-to-audio do"));
        String prompt = call.args().path("prompt").asText("").replace('\n', ' ').strip();
        if (prompt.isEmpty()) {
            throw new IllegalArgumentException("call '" + call.id() + "' has no prompt to write in ModaVerse form");
        }
        return "Modality: [" + modality + "] Prompt: " + prompt;
    }

    static ParseEvent fromCanonicalObject(ObjectNode node, String defaultId, Dialect dialect, String raw, List<String> repairs) {
        List<String> unknown = new ArrayList<>();
        node.fieldNames().forEachRemaining(k -> {
            if (!CANONICAL_KEYS.contains(k)) {
                unknown.add(k);
            }
        });
        if (!unknown.isEmpty()) {
            return new ParseEvent.Malformed(raw, "unknown field(s) " + unknown + "; a meta-response has only id, task, tool and args");
        }
        JsonNode id = node.get("id");
        JsonNode task = node.get("task");
        JsonNode tool = node.get("tool");
        JsonNode args = node.get("args");
        if (id != null && !id.isTextual()) {
            return new ParseEvent.Malformed(raw, "\"id\" must be a string");
        }
        if (task != null && !task.isTextual() || tool != null && !tool.isTextual()) {
            return new ParseEvent.Malformed(raw, "\"task\" and \"tool\" must be strings");
        }
        if (args != null && !args.isObject()) {
            return new ParseEvent.Malformed(raw, "\"args\" must be a JSON object");
        }
        try {
            MetaResponse call = new MetaResponse(
                    id == null ? defaultId : id.asText(),
                    task == null ? null : task.asText(),
                    tool == null ? null : tool.asText(),
                    (ObjectNode) args,
                    dialect);
            return new ParseEvent.Meta(call, raw, repairs);
        } catch (IllegalArgumentException e) {
            return new ParseEvent.Malformed(raw, e.getMessage());
        }
    }

    private static String describe(JsonProcessingException e) {
        var loc = e.getLocation();
        String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        return e.getOriginalMessage().replace('\n', ' ') + where;
    }

    /** A tiny reader for {@code {Key: "value", Key: "value"}} with optional quotes around keys. */
    private static final class PaperNotation {
        private final String s;
        private int i;

        PaperNotation(String s) {
            this.s = s;
        }

        Map<String, String> read() {
            Map<String, String> out = new java.util.LinkedHashMap<>();
            skipSpace();
            expect('{');
            skipSpace();
            if (peek() == '}') {
                return out;
            }
            while (true) {
                skipSpace();
                String key = peek() == '"' ? readString() : readBareWord();
                skipSpace();
                expect(':');
                skipSpace();
                String value = peek() == '"' ? readString() : readBareWord();
                String k = key.toLowerCase(Locale.ROOT);
                if (out.put(k, value) != null) {
                    throw new IllegalArgumentException("key '" + key + "' appears twice");
                }
                skipSpace();
                char c = next();
                if (c == '}') {
                    skipSpace();
                    if (i != s.length()) {
                        throw new IllegalArgumentException("unexpected text after the closing '}'");
                    }
                    return out;
                }
                if (c != ',') {
                    throw new IllegalArgumentException("expected ',' or '}' at position " + (i - 1));
                }
                skipSpace();
                if (peek() == '}') {
                    next();
                    return out;
                }
            }
        }

        private String readBareWord() {
            int start = i;
            while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '-' || s.charAt(i) == '_')) {
                i++;
            }
            if (start == i) {
                throw new IllegalArgumentException("expected a name or a string at position " + i);
            }
            return s.substring(start, i);
        }

        private String readString() {
            int start = i;
            next();
            boolean escape = false;
            while (i < s.length()) {
                char c = s.charAt(i++);
                if (escape) {
                    escape = false;
                } else if (c == '\\') {
                    escape = true;
                } else if (c == '"') {
                    try {
                        return Json.MAPPER.readValue(s.substring(start, i), String.class);
                    } catch (JsonProcessingException e) {
                        throw new IllegalArgumentException("invalid string at position " + start + ": " + e.getOriginalMessage());
                    }
                }
            }
            throw new IllegalArgumentException("unterminated string starting at position " + start);
        }

        private void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private char peek() {
            return i < s.length() ? s.charAt(i) : '\0';
        }

        private char next() {
            if (i >= s.length()) {
                throw new IllegalArgumentException("unexpected end of the block");
            }
            return s.charAt(i++);
        }

        private void expect(char c) {
            if (next() != c) {
                throw new IllegalArgumentException("expected '" + c + "' at position " + (i - 1));
            }
        }
    }

    private Dialects() {
    }
}
