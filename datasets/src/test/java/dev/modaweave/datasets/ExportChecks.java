package dev.modaweave.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modaweave.tools.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The structure checks the target projects' loaders apply, in Java, so that the exports are
 * checked without those projects or Python (the same checks as {@code src/test/python/check_exports.py}):
 * ModaVerse's {@code MultiModalDataset} and {@code ModaVerseParser}, LLaVA's and VideoLLaMA 2's
 * {@code LazySupervisedDataset}, the OpenAI chat fine-tuning format, and that every {@code $ref}
 * resolves within the conversation.
 */
final class ExportChecks {

    private static final List<String> FLAGS = List.of("[TEXT]", "[IMAGE]", "[AUDIO]", "[VIDEO]");
    private static final Pattern MODAVERSE_PROMPT = Pattern.compile("(?s)(?:\\[[^\\]]*\\]\\s*)*\\bPrompt:\\s*(.+?)(?:\\s*###|$)");
    private static final Pattern META = Pattern.compile("<meta>(.*?)</meta>", Pattern.DOTALL);
    private static final Pattern ATTACHED = Pattern.compile("\\[attached (?:image|video|audio): (art_[a-z2-7]{26})]");

    private final List<String> problems = new ArrayList<>();
    private long examples;

    private ExportChecks() {
    }

    /** Every problem of the exports of {@code dir}; empty when they load. */
    static List<String> problems(Path dir) {
        ExportChecks c = new ExportChecks();
        for (Split s : Split.values()) {
            c.modaVerse(dir.resolve("modaverse").resolve(s.wireName() + ".json"));
            c.llava(dir.resolve("llava").resolve(s.wireName() + ".json"), false);
            c.llava(dir.resolve("llava").resolve(s.wireName() + "-video-audio.json"), true);
            c.openAi(dir.resolve("openai").resolve(s.wireName() + ".jsonl"));
        }
        if (c.examples == 0) {
            c.problems.add("no examples in any export");
        }
        return c.problems;
    }

    private void problem(String where, String what) {
        problems.add(where + ": " + what);
    }

    private static JsonNode read(Path file) {
        try {
            return Json.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean relative(JsonNode path) {
        String p = path.asText("");
        return path.isTextual() && !p.isEmpty() && !p.startsWith("/") && !List.of(p.split("/")).contains("..");
    }

    private void modaVerse(Path file) {
        JsonNode all = read(file);
        if (!all.isArray()) {
            problem(file.toString(), "not one JSON array");
            return;
        }
        List<String> keys = null;
        for (int i = 0; i < all.size(); i++) {
            examples++;
            JsonNode ex = all.get(i);
            String where = file + "[" + i + "]";
            if (ex.path("instruction").asText("").isBlank()) {
                problem(where, "empty instruction");
            }
            List<String> mediaKeys = new ArrayList<>();
            ex.path("media").fieldNames().forEachRemaining(mediaKeys::add);
            if (keys == null) {
                keys = mediaKeys;
            } else if (!keys.equals(mediaKeys)) {
                problem(where, "media keys " + mediaKeys + " differ from " + keys);
            }
            ex.path("media").forEach(v -> {
                if (!v.asText().equals("none") && !relative(v)) {
                    problem(where, "media is neither none nor a relative path: " + v);
                }
            });
            String flag = "[" + ex.path("meta_response").path("modality").asText().toUpperCase(java.util.Locale.ROOT) + "]";
            String prompt = ex.path("meta_response").path("prompt").asText("");
            if (!FLAGS.contains(flag) || prompt.isBlank()) {
                problem(where, "meta_response " + ex.path("meta_response") + " is not a ModaVerse answer");
                continue;
            }
            String target = "Modality: " + flag + " Prompt: " + prompt;
            if (FLAGS.stream().filter(target::contains).count() != 1) {
                problem(where, "the answer holds more than one modality flag");
            }
            Matcher m = MODAVERSE_PROMPT.matcher(target);
            if (!m.find() || !m.group(1).strip().equals(prompt.strip())) {
                problem(where, "the prompt does not read back through ModaVerse's regex");
            }
        }
    }

    private void llava(Path file, boolean videoAudio) {
        JsonNode all = read(file);
        for (int i = 0; i < all.size(); i++) {
            examples++;
            JsonNode r = all.get(i);
            String where = file + "[" + i + "]";
            List<String> present = new ArrayList<>();
            for (String k : List.of("image", "video", "audio")) {
                if (r.has(k)) {
                    present.add(k);
                    if (!relative(r.get(k))) {
                        problem(where, k + " is not a relative path: " + r.get(k));
                    }
                }
            }
            if (videoAudio ? present.size() != 1 || present.contains("image") : present.contains("video") || present.contains("audio")) {
                problem(where, "media keys " + present + " do not belong in " + file.getFileName());
            }
            conversation(where, r.path("conversations"), present.isEmpty() ? null : "<" + present.get(0) + ">");
        }
    }

    private void conversation(String where, JsonNode conv, String token) {
        if (conv.size() == 0 || conv.size() % 2 != 0) {
            problem(where, "conversations are empty or end with a human turn");
            return;
        }
        StringBuilder all = new StringBuilder();
        List<String> roles = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (int j = 0; j < conv.size(); j++) {
            String from = conv.get(j).path("from").asText();
            if (!from.equals(j % 2 == 0 ? "human" : "gpt")) {
                problem(where, "turn " + j + " is from " + from);
            }
            all.append(conv.get(j).path("value").asText());
            roles.add(from.equals("human") ? "user" : "assistant");
            texts.add(conv.get(j).path("value").asText());
        }
        for (String t : List.of("<image>", "<video>", "<audio>")) {
            int n = all.toString().split(Pattern.quote(t), -1).length - 1;
            if (t.equals(token) && (n != 1 || !conv.get(0).path("value").asText().startsWith(t))) {
                problem(where, t + " must open the first human turn once, found " + n);
            } else if (!t.equals(token) && n > 0) {
                problem(where, t + " without its media");
            }
        }
        references(where, roles, texts, null);
    }

    private void openAi(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            examples++;
            String where = file + ":" + (i + 1);
            JsonNode o = Json.parse(lines.get(i));
            JsonNode messages = o.path("messages");
            Set<String> tools = new HashSet<>();
            o.path("tools").forEach(t -> tools.add(t.path("function").path("name").asText()));
            boolean toolStyle = !tools.isEmpty();
            if (!messages.path(0).path("role").asText().equals("system")) {
                problem(where, "no system message first");
                continue;
            }
            if (toolStyle == messages.get(0).path("content").asText().contains("<meta>")) {
                problem(where, "the system prompt does not match the style of the calls");
            }
            List<String> roles = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            List<List<JsonNode>> calls = new ArrayList<>();
            Set<String> pending = new HashSet<>();
            for (Iterator<JsonNode> it = messages.elements(); it.hasNext(); ) {
                JsonNode m = it.next();
                String role = m.path("role").asText();
                if (role.equals("system")) {
                    continue;
                }
                if (role.equals("tool")) {
                    if (!pending.remove(m.path("tool_call_id").asText())) {
                        problem(where, "a tool message answers no open call");
                    }
                    continue;
                }
                if (!pending.isEmpty()) {
                    problem(where, "tool calls not answered before the next turn");
                }
                if (!roles.isEmpty() && roles.get(roles.size() - 1).equals(role) || !Set.of("user", "assistant").contains(role)) {
                    problem(where, "role " + role + " out of order");
                }
                roles.add(role);
                texts.add(m.path("content").asText(""));
                List<JsonNode> turnCalls = new ArrayList<>();
                if (role.equals("assistant")) {
                    if (toolStyle && m.path("content").asText("").contains("<meta>")) {
                        problem(where, "a <meta> call in the tool-call style");
                    }
                    for (JsonNode c : m.path("tool_calls")) {
                        if (!c.path("type").asText().equals("function") || c.path("id").asText("").isEmpty()
                                || !tools.contains(c.path("function").path("name").asText())) {
                            problem(where, "tool call " + c.path("id") + " is malformed or names an undeclared tool");
                        }
                        JsonNode args = Json.parse(c.path("function").path("arguments").asText("{}"));
                        turnCalls.add(Json.object().put("id", c.path("id").asText()).set("args", args));
                        pending.add(c.path("id").asText());
                    }
                }
                calls.add(turnCalls);
            }
            if (roles.isEmpty() || !roles.get(roles.size() - 1).equals("assistant")) {
                problem(where, "does not end with the assistant");
            }
            references(where, roles, texts, calls);
        }
    }

    /** Every $ref names an earlier call or an artifact a human turn shows; calls from tool_calls or <meta> text. */
    private void references(String where, List<String> roles, List<String> texts, List<List<JsonNode>> toolCalls) {
        Set<String> known = new HashSet<>();
        for (int i = 0; i < roles.size(); i++) {
            if (roles.get(i).equals("user")) {
                Matcher m = ATTACHED.matcher(texts.get(i));
                while (m.find()) {
                    known.add(m.group(1));
                }
                continue;
            }
            List<JsonNode> calls = new ArrayList<>(toolCalls == null ? List.of() : toolCalls.get(i));
            Matcher meta = META.matcher(texts.get(i));
            while (meta.find()) {
                calls.add(Json.parse(meta.group(1)));
            }
            for (JsonNode call : calls) {
                for (String ref : refs(call.path("args"), new ArrayList<>())) {
                    if (!known.contains(ref)) {
                        problem(where, "$ref " + ref + " names no earlier call or shown attachment");
                    }
                }
                known.add(call.path("id").asText());
            }
        }
    }

    private static List<String> refs(JsonNode node, List<String> out) {
        if (node.isObject() && node.size() == 1 && node.has("$ref")) {
            out.add(node.get("$ref").asText());
        } else {
            node.forEach(child -> refs(child, out));
        }
        return out;
    }
}
