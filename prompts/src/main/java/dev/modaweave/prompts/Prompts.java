package dev.modaweave.prompts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.ToolCatalog;
import dev.modaweave.tools.ToolDescriptor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's prompt texts, rendered from the tools registered right now: the system prompt with
 * the tool catalog, few-shot examples that only use available tasks, the repair prompt and the
 * results message. The texts are resources ({@code dev/modaweave/prompts/*.txt}); a directory given
 * to {@link #withOverrides(Path)} replaces any of them by file name.
 *
 * <p>Templates use {@code {{name}}} placeholders; an unknown placeholder is an error, not blank text.
 */
public final class Prompts {

    private static final String BASE = "dev/modaweave/prompts/";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-zA-Z]+)}}");
    private static final List<String> NAMES = List.of("system.txt", "native-system.txt", "repair.txt", "results.txt", "fewshot.jsonl");

    private final Map<String, String> texts;

    private Prompts(Map<String, String> texts) {
        this.texts = Map.copyOf(texts);
    }

    /** The built-in prompts. */
    public static Prompts defaults() {
        Map<String, String> texts = new HashMap<>();
        for (String name : NAMES) {
            texts.put(name, resource(name));
        }
        return new Prompts(texts);
    }

    /**
     * These prompts with every file of {@code directory} named like a built-in one
     * ({@code system.txt}, {@code native-system.txt}, {@code repair.txt}, {@code results.txt},
     * {@code fewshot.jsonl}) in its place.
     *
     * @throws UncheckedIOException if the directory cannot be read
     */
    public Prompts withOverrides(Path directory) {
        Map<String, String> copy = new HashMap<>(texts);
        for (String name : NAMES) {
            Path file = directory.resolve(name);
            if (Files.isRegularFile(file)) {
                try {
                    copy.put(name, Files.readString(file, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read prompt override " + file + ": " + e.getMessage(), e);
                }
            }
        }
        return new Prompts(copy);
    }

    /**
     * The system prompt: instructions and the catalog of the tools in {@code catalog}.
     *
     * @param nativeToolCalls true for models that call tools through the chat API's function calling
     *                        instead of writing {@code <meta>} blocks
     */
    public String systemPrompt(ToolCatalog catalog, boolean nativeToolCalls) {
        return render(nativeToolCalls ? "native-system.txt" : "system.txt", Map.of("catalog", catalog(catalog, !nativeToolCalls)));
    }

    /** The tool catalog, grouped by task, with each tool's arguments and an example call. */
    public String catalog(ToolCatalog catalog) {
        return catalog(catalog, true);
    }

    /**
     * The tool catalog, grouped by task, with the arguments each tool takes; with {@code examples} also an
     * example {@code <meta>} call per tool (left out for native tool calling, where calls are functions).
     */
    public String catalog(ToolCatalog catalog, boolean examples) {
        Map<String, List<ToolDescriptor>> byTask = new LinkedHashMap<>();
        for (ToolDescriptor tool : catalog.all()) {
            byTask.computeIfAbsent(tool.task(), t -> new ArrayList<>()).add(tool);
        }
        if (byTask.isEmpty()) {
            return "(none: no generator tool is registered, so answer in text only)\n";
        }
        StringBuilder sb = new StringBuilder();
        for (var entry : byTask.entrySet()) {
            sb.append("- task \"").append(entry.getKey()).append("\"\n");
            for (ToolDescriptor tool : entry.getValue()) {
                sb.append("  tool \"").append(tool.name()).append("\"").append(tool.preview() ? " (preview)" : "")
                        .append(": ").append(tool.description().strip()).append('\n');
                sb.append("    arguments: ").append(describeArguments(tool.argumentsSchema())).append('\n');
                if (examples && tool.example() != null) {
                    ObjectNode call = Json.object().put("id", "x1").put("task", tool.task());
                    call.set("args", tool.example());
                    sb.append("    example: <meta>").append(Json.write(call)).append("</meta>\n");
                }
            }
        }
        return sb.toString();
    }

    /** The few-shot examples whose tasks are all available in {@code catalog}. */
    public List<FewShot> fewShots(ToolCatalog catalog) {
        Set<String> available = new HashSet<>();
        catalog.all().forEach(t -> available.add(t.task()));
        List<FewShot> out = new ArrayList<>();
        for (String line : texts.get("fewshot.jsonl").split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = Json.parse(line);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("fewshot.jsonl has a line that is not JSON: " + e.getMessage(), e);
            }
            List<String> tasks = new ArrayList<>();
            node.path("tasks").forEach(t -> tasks.add(t.asText()));
            if (available.containsAll(tasks)) {
                out.add(new FewShot(node.path("user").asText(), node.path("assistant").asText()));
            }
        }
        return out;
    }

    /** Asks the LLM to rewrite the meta-responses that failed, listing each problem. */
    public String repair(List<String> problems) {
        StringBuilder sb = new StringBuilder();
        problems.forEach(p -> sb.append("- ").append(p).append('\n'));
        return render("repair.txt", Map.of("problems", sb.toString().stripTrailing()));
    }

    /** Tells the LLM what its calls produced, one line per result. */
    public String results(List<String> results) {
        StringBuilder sb = new StringBuilder();
        results.forEach(r -> sb.append("- ").append(r).append('\n'));
        return render("results.txt", Map.of("results", sb.toString().stripTrailing()));
    }

    private String render(String name, Map<String, String> values) {
        String template = texts.get(name);
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("prompt " + name + " uses {{" + m.group(1) + "}}, which is not one of " + values.keySet());
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String describeArguments(ObjectNode schema) {
        JsonNode properties = schema.path("properties");
        Set<String> required = new HashSet<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        List<String> parts = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = properties.fields();
        while (it.hasNext()) {
            var field = it.next();
            JsonNode p = field.getValue();
            StringBuilder sb = new StringBuilder(field.getKey()).append(" (");
            String media = p.path("contentMediaType").asText("");
            if (!media.isEmpty()) {
                sb.append(media.replace("/*", "")).append(" artifact: {\"$ref\":…}");
            } else {
                sb.append(p.path("type").asText("any"));
                if (p.has("enum")) {
                    List<String> values = new ArrayList<>();
                    p.get("enum").forEach(v -> values.add(v.asText()));
                    sb.append(" one of ").append(String.join("|", values));
                }
                if (p.has("minimum") || p.has("maximum")) {
                    sb.append(' ').append(p.path("minimum").asText("…")).append('–').append(p.path("maximum").asText("…"));
                }
            }
            sb.append(required.contains(field.getKey()) ? ", required" : ", optional").append(')');
            String description = p.path("description").asText("");
            if (!description.isEmpty()) {
                sb.append(": ").append(description);
            }
            parts.add(sb.toString());
        }
        return parts.isEmpty() ? "none" : String.join("; ", parts);
    }

    private static String resource(String name) {
        try (InputStream in = Prompts.class.getClassLoader().getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException("built-in prompt " + BASE + name + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One example exchange shown to the LLM before the conversation.
     *
     * @param user      what the user said
     * @param assistant what a good answer looks like
     */
    public record FewShot(String user, String assistant) {
        public FewShot {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(assistant, "assistant");
        }
    }
}
