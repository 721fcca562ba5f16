package dev.modaweave.app.planner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.agent.MetaResponse;
import dev.modaweave.agent.Session;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.Tasks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of requests written by hand, each labelled with the calls it needs and the key words each
 * call's prompt (or speech text) must keep, and the planner's scores on it. One JSON object a line:
 * <pre>{"category":"two-calls","request":"…","artifacts":[{"modality":"image","task":"text-to-image","prompt":"…"}],
 *  "calls":[{"task":"text-to-image","keep":["heron","marsh"]}, …]}</pre>
 * or the older form {@code {"request":…,"tasks":[…],"keep":[[…],…],"context":["art_…"]}} (a context
 * lists images of the conversation). A line without a category gets one from its calls.
 *
 * <p>Scores: call-set accuracy (the multiset of tasks called equals the expected one), key-word
 * recall (key words found, case-insensitively, in the prompt of the call of the same task, in
 * order; a missing call misses all its key words), no-call precision (of the requests answered
 * without a call, those that needed none) and no-call recall, overall and per category.
 */
public final class HandWrittenSet {

    /** One labelled request. */
    public record Item(String category, String request, List<Session.ArtifactNote> artifacts, List<Expected> calls) {
    }

    /** An expected call: its task and the key words its prompt keeps. */
    public record Expected(String task, List<String> keep) {
    }

    /** The scores of one category (or of the whole set). */
    public static final class Score {
        int requests;
        int exact;
        int keywords;
        int keywordsKept;
        int noCallPredicted;
        int noCallRight;
        int noCallGold;

        public double callSetAccuracy() {
            return ratio(exact, requests);
        }

        public double keywordRecall() {
            return keywords == 0 ? 1 : keywordsKept / (double) keywords;
        }

        /** Of the requests answered without a call, the share that needed none (1 when none was answered so). */
        public double noCallPrecision() {
            return noCallPredicted == 0 ? 1 : noCallRight / (double) noCallPredicted;
        }

        public double noCallRecall() {
            return noCallGold == 0 ? 1 : noCallRight / (double) noCallGold;
        }

        public int requests() {
            return requests;
        }

        ObjectNode toJson() {
            return Json.object().put("requests", requests).put("callSetAccuracy", round(callSetAccuracy()))
                    .put("exact", exact).put("keywordRecall", round(keywordRecall())).put("keywords", keywords)
                    .put("noCallPrecision", round(noCallPrecision())).put("noCallRecall", round(noCallRecall()));
        }

        private void add(Score o) {
            requests += o.requests;
            exact += o.exact;
            keywords += o.keywords;
            keywordsKept += o.keywordsKept;
            noCallPredicted += o.noCallPredicted;
            noCallRight += o.noCallRight;
            noCallGold += o.noCallGold;
        }
    }

    /** The scores of a whole set: overall, per category, the misses, and the planner's latency. */
    public record Report(String name, Score overall, Map<String, Score> categories, List<String> misses, double p50Ms,
                         double p90Ms) {
        /** {@code {"set":…,"overall":{…},"categories":{…},"latencyP50Ms":…,"misses":[…]}}. */
        public ObjectNode toJson() {
            ObjectNode o = Json.object().put("set", name);
            o.set("overall", overall.toJson());
            ObjectNode cs = o.putObject("categories");
            categories.forEach((k, v) -> cs.set(k, v.toJson()));
            o.put("latencyP50Ms", round(p50Ms)).put("latencyP90Ms", round(p90Ms));
            misses.forEach(o.putArray("misses")::add);
            return o;
        }

        /** A Markdown table: one row per category and the overall row. */
        public String table() {
            StringBuilder sb = new StringBuilder("| category | requests | call-set accuracy | key-word recall | no-call precision |\n"
                    + "|---|---|---|---|---|\n");
            categories.forEach((k, v) -> sb.append(row(k, v)));
            sb.append(row("**all**", overall));
            return sb.toString();
        }

        private static String row(String name, Score s) {
            return String.format(Locale.ROOT, "| %s | %d | %.3f (%d) | %.3f | %.3f |%n", name, s.requests, s.callSetAccuracy(),
                    s.exact, s.keywordRecall(), s.noCallPrecision());
        }
    }

    private final String name;
    private final List<Item> items;

    private HandWrittenSet(String name, List<Item> items) {
        this.name = name;
        this.items = List.copyOf(items);
    }

    public String name() {
        return name;
    }

    public List<Item> items() {
        return items;
    }

    /**
     * Reads a set.
     *
     * @throws IllegalArgumentException naming the line when a line is not a labelled request
     */
    public static HandWrittenSet read(String name, InputStream stream) throws IOException {
        List<Item> items = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    items.add(item(Json.parse(line), items.size()));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(name + " line " + number + " is not a labelled request: " + e.getMessage(), e);
                }
            }
        }
        return new HandWrittenSet(name, items);
    }

    private static Item item(JsonNode row, int index) {
        String request = row.path("request").asText(null);
        if (request == null) {
            throw new IllegalArgumentException("no \"request\"");
        }
        List<Expected> calls = new ArrayList<>();
        if (row.has("calls")) {
            for (JsonNode c : row.get("calls")) {
                calls.add(new Expected(c.path("task").asText(), strings(c.path("keep"))));
            }
        } else if (row.has("tasks")) {
            JsonNode keep = row.path("keep");
            for (int i = 0; i < row.get("tasks").size(); i++) {
                calls.add(new Expected(row.get("tasks").get(i).asText(), strings(keep.path(i))));
            }
        } else {
            throw new IllegalArgumentException("neither \"calls\" nor \"tasks\"");
        }
        for (Expected e : calls) {
            if (!PlannerSettings.TASKS.contains(e.task())) {
                throw new IllegalArgumentException("unknown task '" + e.task() + "'");
            }
        }
        List<Session.ArtifactNote> artifacts = new ArrayList<>();
        int n = 0;
        for (JsonNode a : row.path("artifacts")) {
            String task = a.path("task").asText("uploaded");
            String prompt = a.path("prompt").asText("");
            String origin = task.equals("uploaded") || prompt.isEmpty() ? (task.equals("uploaded") ? "uploaded by the user" : task)
                    : task + ": \"" + prompt + "\"";
            Modality modality = Modality.fromWireName(a.path("modality").asText("image"));
            artifacts.add(new Session.ArtifactNote(artifactId(index, n++), modality, mimeOf(modality), origin));
        }
        for (JsonNode id : row.path("context")) {
            artifacts.add(new Session.ArtifactNote(id.asText(), Modality.IMAGE, "image/png", Tasks.TEXT_TO_IMAGE));
        }
        String category = row.hasNonNull("category") ? row.get("category").asText() : categoryOf(calls, !artifacts.isEmpty());
        return new Item(category, request, artifacts, calls);
    }

    private static String artifactId(int item, int n) {
        String digits = String.format(Locale.ROOT, "%04d%02d", item, n);
        return "art_" + "a".repeat(26 - digits.length()) + digits;
    }

    private static String mimeOf(Modality m) {
        return switch (m) {
            case IMAGE -> "image/png";
            case VIDEO -> "video/mp4";
            case AUDIO -> "audio/wav";
            default -> "text/plain";
        };
    }

    private static String categoryOf(List<Expected> calls, boolean artifacts) {
        if (calls.isEmpty()) {
            return artifacts ? "follow-up" : "no-call";
        }
        if (calls.size() == 1) {
            return artifacts ? "follow-up" : "single-" + calls.get(0).task().replace("text-to-", "");
        }
        return calls.size() == 2 ? "two-calls" : "three-calls";
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Scores {@code planner} on every request of the set. */
    public Report score(EmbeddedPlanner planner) {
        Map<String, Score> byCategory = new TreeMap<>();
        List<String> misses = new ArrayList<>();
        long[] nanos = new long[items.size()];
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            long start = System.nanoTime();
            Plan plan = planner.plan(item.request(), item.artifacts());
            nanos[i] = System.nanoTime() - start;
            Score s = byCategory.computeIfAbsent(item.category(), k -> new Score());
            s.requests++;
            List<String> got = new ArrayList<>(plan.calls().stream().map(MetaResponse::task).toList());
            List<String> want = new ArrayList<>(item.calls().stream().map(Expected::task).toList());
            got.sort(null);
            want.sort(null);
            boolean exact = got.equals(want);
            s.exact += exact ? 1 : 0;
            s.noCallPredicted += got.isEmpty() ? 1 : 0;
            s.noCallGold += want.isEmpty() ? 1 : 0;
            s.noCallRight += got.isEmpty() && want.isEmpty() ? 1 : 0;
            boolean[] used = new boolean[plan.calls().size()];
            List<String> lost = new ArrayList<>();
            for (Expected e : item.calls()) {
                String words = null;
                for (int c = 0; c < plan.calls().size(); c++) {
                    if (!used[c] && e.task().equals(plan.calls().get(c).task())) {
                        used[c] = true;
                        words = promptOf(plan.calls().get(c));
                        break;
                    }
                }
                for (String k : e.keep()) {
                    s.keywords++;
                    if (words != null && words.toLowerCase(Locale.ROOT).contains(k.toLowerCase(Locale.ROOT))) {
                        s.keywordsKept++;
                    } else {
                        lost.add(k);
                    }
                }
            }
            if (!exact || !lost.isEmpty()) {
                misses.add("[" + item.category() + "] " + item.request() + " -> " + describe(plan)
                        + (lost.isEmpty() ? "" : " lost " + lost));
            }
        }
        Score overall = new Score();
        byCategory.values().forEach(overall::add);
        Arrays.sort(nanos);
        double p50 = nanos.length == 0 ? 0 : nanos[(int) Math.ceil(0.5 * nanos.length) - 1] / 1e6;
        double p90 = nanos.length == 0 ? 0 : nanos[(int) Math.ceil(0.9 * nanos.length) - 1] / 1e6;
        return new Report(name, overall, new LinkedHashMap<>(byCategory), misses, p50, p90);
    }

    private static String promptOf(MetaResponse call) {
        JsonNode p = call.args().get("prompt");
        if (p == null || !p.isTextual()) {
            p = call.args().get("text");
        }
        return p == null ? "" : p.asText();
    }

    private static String describe(Plan plan) {
        List<String> parts = new ArrayList<>();
        for (MetaResponse c : plan.calls()) {
            parts.add(c.task() + "(" + promptOf(c) + ")");
        }
        return parts.toString();
    }

    private static double ratio(long a, long b) {
        return b == 0 ? 0 : a / (double) b;
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
