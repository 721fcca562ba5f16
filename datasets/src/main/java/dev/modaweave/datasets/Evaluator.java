package dev.modaweave.datasets;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.modaweave.agent.MetaResponse;
import dev.modaweave.agent.MetaResponseParser;
import dev.modaweave.agent.ParseEvent;
import dev.modaweave.datasets.internal.Html;
import dev.modaweave.datasets.internal.ProgressBar;
import dev.modaweave.tools.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Runs a {@link Responder} on the records of a split and scores its answers against the records:
 *
 * <ul>
 *   <li>parse success: the answer had no malformed meta-response and the model did not fail;</li>
 *   <li>call decision accuracy: it called when the record calls and did not when it does not;</li>
 *   <li>task F1 (TaskBench's node F1): predicted task names against expected ones as multisets,
 *       micro-averaged over records;</li>
 *   <li>prompt similarity of matched calls (same task, in order): embedding cosine and token F1 of
 *       the {@code prompt} (or the speech {@code text}) argument;</li>
 *   <li>dependency edge F1 (TaskBench's link F1) on records with several calls: edges are
 *       (task of the referred call, task of the referring call), an attached image counts as {@code input};</li>
 *   <li>latency percentiles of the model's answers.</li>
 * </ul>
 */
public final class Evaluator {

    private final Responder responder;
    private final SentenceEmbedder embedder;
    private final int limit;
    private final PrintWriter progress;
    private final LongSupplier clock;
    private final Path predictions;

    private Evaluator(Builder b) {
        this.responder = Objects.requireNonNull(b.responder, "responder");
        this.embedder = b.embedder;
        this.limit = b.limit;
        this.progress = b.progress;
        this.clock = b.clock;
        this.predictions = b.predictions;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The conversation the model sees for {@code record}: the system prompt and the user turn. */
    public static List<ChatMessage> prompt(DatasetRecord record) {
        StringBuilder user = new StringBuilder();
        record.media().forEach(m -> user.append("[attached ").append(m.modality().wireName()).append(": ")
                .append(m.artifactId()).append("]\n"));
        user.append(record.userText());
        return List.of(SystemMessage.from(Exporters.SYSTEM_PROMPT), UserMessage.from(user.toString()));
    }

    /**
     * Evaluates the records of {@code splitFile} (a native {@code .jsonl}), at most the configured limit.
     *
     * @throws IllegalArgumentException when the file is missing or holds a line that is not a record
     */
    public EvalReport evaluate(Path splitFile) {
        if (!Files.isRegularFile(splitFile)) {
            throw new IllegalArgumentException("split file " + splitFile + " does not exist; build the data set first");
        }
        long total = limit > 0 ? limit : countLines(splitFile);
        ProgressBar bar = new ProgressBar(progress, "evaluated", total, () -> "");
        Scores overall = new Scores();
        Map<String, Scores> byKind = new TreeMap<>();
        List<Long> latencies = new ArrayList<>();
        List<String> examples = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(splitFile, StandardCharsets.UTF_8);
             java.io.Writer predicted = predictions == null ? java.io.Writer.nullWriter() : open(predictions)) {
            String line;
            int n = 0;
            while ((line = in.readLine()) != null && (limit <= 0 || n < limit)) {
                if (line.isBlank()) {
                    continue;
                }
                n++;
                DatasetRecord record = DatasetRecord.fromJson(Json.parse(line));
                long start = clock.getAsLong();
                Responder.Answer answer;
                String failure = null;
                try {
                    answer = responder.answer(prompt(record));
                } catch (RuntimeException e) {
                    answer = Responder.Answer.text("");
                    failure = "model failed: " + e.getMessage();
                }
                long nanos = clock.getAsLong() - start;
                latencies.add(nanos);
                Outcome outcome = score(record, answer, failure);
                if (predictions != null) {
                    ObjectNode p = Json.object().put("id", record.id()).put("kind", record.kind().wireName())
                            .put("answer", answer.text()).put("parsed", outcome.parsed)
                            .put("decisionCorrect", outcome.decisionCorrect).put("latencyMs", nanos / 1e6);
                    record.calls().forEach(c -> p.withArray("expected").add(c.toJson()));
                    outcome.predicted.forEach(c -> p.withArray("predicted").add(c.toJson()));
                    if (outcome.problem != null) {
                        p.put("problem", outcome.problem);
                    }
                    predicted.write(Json.write(p));
                    predicted.write('\n');
                }
                overall.add(outcome);
                byKind.computeIfAbsent(record.kind().wireName(), k -> new Scores()).add(outcome);
                if (outcome.problem != null && examples.size() < 10) {
                    examples.add(record.id() + ": " + outcome.problem);
                }
                bar.step();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + splitFile, e);
        } finally {
            bar.finish();
        }
        Map<String, ObjectNode> kinds = new LinkedHashMap<>();
        byKind.forEach((k, s) -> kinds.put(k, s.toJson()));
        return new EvalReport(splitFile.getFileName().toString(), overall.toJson(), kinds, latencyJson(latencies), examples);
    }

    private static java.io.Writer open(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        return Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    }

    private static long countLines(Path file) {
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.filter(l -> !l.isBlank()).count();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private Outcome score(DatasetRecord record, Responder.Answer answer, String failure) {
        Outcome o = new Outcome();
        List<MetaResponse> predicted = new ArrayList<>();
        List<String> problems = new ArrayList<>(answer.problems());
        if (failure != null) {
            problems.add(failure);
        }
        for (ParseEvent event : MetaResponseParser.parseAll(answer.text())) {
            if (event instanceof ParseEvent.Meta meta) {
                predicted.add(meta.call());
            } else if (event instanceof ParseEvent.Malformed malformed) {
                problems.add("malformed: " + malformed.reason());
            }
        }
        predicted.addAll(answer.nativeCalls());
        o.predicted = predicted;
        o.parsed = problems.isEmpty();
        o.problem = problems.isEmpty() ? null : String.join("; ", problems);
        List<MetaResponse> expected = record.calls();
        o.decisionCorrect = expected.isEmpty() == predicted.isEmpty();
        if (!o.decisionCorrect && o.problem == null) {
            o.problem = expected.isEmpty() ? "called although no call was due" : "made no call although one was due";
        }
        Map<String, Integer> gold = new HashMap<>();
        expected.forEach(c -> gold.merge(c.task(), 1, Integer::sum));
        int matched = 0;
        for (MetaResponse c : predicted) {
            if (c.task() != null && gold.getOrDefault(c.task(), 0) > 0) {
                gold.merge(c.task(), -1, Integer::sum);
                matched++;
            }
        }
        o.taskTp = matched;
        o.taskPredicted = predicted.size();
        o.taskGold = expected.size();
        boolean[] used = new boolean[predicted.size()];
        for (MetaResponse e : expected) {
            for (int i = 0; i < predicted.size(); i++) {
                if (!used[i] && Objects.equals(predicted.get(i).task(), e.task())) {
                    used[i] = true;
                    String want = promptOf(e);
                    String got = promptOf(predicted.get(i));
                    if (!want.isEmpty()) {
                        o.tokenF1.add(tokenF1(want, got));
                        if (embedder != null) {
                            float[][] v = embedder.embed(List.of(want, got.isEmpty() ? " " : got));
                            o.cosine.add(SentenceEmbedder.cosine(v[0], v[1]));
                        }
                    }
                    break;
                }
            }
        }
        if (expected.size() > 1) {
            o.multiStep = true;
            Set<String> goldEdges = edges(expected, record.mediaArtifactIds());
            Set<String> predEdges = edges(predicted, record.mediaArtifactIds());
            o.edgeGold = goldEdges.size();
            o.edgePredicted = predEdges.size();
            Set<String> common = new HashSet<>(goldEdges);
            common.retainAll(predEdges);
            o.edgeTp = common.size();
        }
        return o;
    }

    private static String promptOf(MetaResponse call) {
        String p = call.args().path("prompt").asText("");
        return p.isEmpty() ? call.args().path("text").asText("") : p;
    }

    /** Edges as "source-task>target-task"; an attached artifact is the source "input". */
    static Set<String> edges(List<MetaResponse> calls, Set<String> media) {
        Map<String, String> taskOf = new HashMap<>();
        calls.forEach(c -> taskOf.put(c.id(), String.valueOf(c.task())));
        Set<String> out = new HashSet<>();
        for (MetaResponse c : calls) {
            for (String ref : c.references()) {
                String source = taskOf.containsKey(ref) ? taskOf.get(ref) : media.contains(ref) ? "input" : "unknown";
                out.add(source + ">" + c.task());
            }
        }
        return out;
    }

    /** SQuAD-style token F1 of normalised words (bags of words). */
    static double tokenF1(String expected, String predicted) {
        List<String> a = Arrays.asList(CaptionText.normalised(expected).split(" "));
        List<String> b = Arrays.asList(CaptionText.normalised(predicted).split(" "));
        if (CaptionText.normalised(predicted).isEmpty()) {
            return 0;
        }
        Map<String, Integer> counts = new HashMap<>();
        a.forEach(w -> counts.merge(w, 1, Integer::sum));
        int common = 0;
        for (String w : b) {
            if (counts.getOrDefault(w, 0) > 0) {
                counts.merge(w, -1, Integer::sum);
                common++;
            }
        }
        if (common == 0) {
            return 0;
        }
        double p = common / (double) b.size();
        double r = common / (double) a.size();
        return 2 * p * r / (p + r);
    }

    private static ObjectNode latencyJson(List<Long> nanos) {
        ObjectNode o = Json.object();
        if (nanos.isEmpty()) {
            return o;
        }
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        o.put("count", sorted.length);
        o.put("meanMs", Arrays.stream(sorted).average().orElse(0) / 1e6);
        for (int p : new int[] {50, 90, 99}) {
            int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            o.put("p" + p + "Ms", sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6);
        }
        o.put("maxMs", sorted[sorted.length - 1] / 1e6);
        return o;
    }

    /** The scores of one record. */
    private static final class Outcome {
        boolean parsed;
        boolean decisionCorrect;
        boolean multiStep;
        int taskTp;
        int taskPredicted;
        int taskGold;
        int edgeTp;
        int edgePredicted;
        int edgeGold;
        final List<Double> tokenF1 = new ArrayList<>();
        final List<Double> cosine = new ArrayList<>();
        String problem;
        List<MetaResponse> predicted = List.of();
    }

    /** Sums of outcomes. */
    private static final class Scores {
        long records;
        long parsed;
        long decisions;
        long taskTp;
        long taskPredicted;
        long taskGold;
        long multiStep;
        long edgeTp;
        long edgePredicted;
        long edgeGold;
        double tokenF1Sum;
        double cosineSum;
        long matchedPrompts;
        long embeddedPrompts;

        void add(Outcome o) {
            records++;
            parsed += o.parsed ? 1 : 0;
            decisions += o.decisionCorrect ? 1 : 0;
            taskTp += o.taskTp;
            taskPredicted += o.taskPredicted;
            taskGold += o.taskGold;
            if (o.multiStep) {
                multiStep++;
                edgeTp += o.edgeTp;
                edgePredicted += o.edgePredicted;
                edgeGold += o.edgeGold;
            }
            o.tokenF1.forEach(v -> tokenF1Sum += v);
            matchedPrompts += o.tokenF1.size();
            o.cosine.forEach(v -> cosineSum += v);
            embeddedPrompts += o.cosine.size();
        }

        ObjectNode toJson() {
            ObjectNode o = Json.object();
            o.put("records", records);
            o.put("parseSuccessRate", ratio(parsed, records));
            o.put("callDecisionAccuracy", ratio(decisions, records));
            o.put("taskPrecision", ratio(taskTp, taskPredicted));
            o.put("taskRecall", ratio(taskTp, taskGold));
            o.put("taskF1", f1(taskTp, taskPredicted, taskGold));
            o.put("matchedCalls", matchedPrompts);
            o.put("promptTokenF1", matchedPrompts == 0 ? 0 : tokenF1Sum / matchedPrompts);
            if (embeddedPrompts > 0) {
                o.put("promptCosine", cosineSum / embeddedPrompts);
            }
            o.put("multiStepRecords", multiStep);
            o.put("edgeF1", f1(edgeTp, edgePredicted, edgeGold));
            return o;
        }

        private static double ratio(long a, long b) {
            return b == 0 ? 0 : a / (double) b;
        }

        /** F1 from counts; two empty sets agree perfectly. */
        private static double f1(long tp, long predicted, long gold) {
            if (predicted == 0 && gold == 0) {
                return 1;
            }
            return predicted + gold == 0 ? 0 : 2.0 * tp / (predicted + gold);
        }
    }

    /**
     * The result of an evaluation.
     *
     * @param split    the file evaluated
     * @param overall  scores over all records
     * @param byKind   scores by record kind
     * @param latency  latency of the model's answers: count, mean, p50, p90, p99, max in ms
     * @param examples the first problems found, for reading
     */
    public record EvalReport(String split, ObjectNode overall, Map<String, ObjectNode> byKind, ObjectNode latency,
                             List<String> examples) {

        /** The report as JSON. */
        public ObjectNode toJson() {
            ObjectNode o = Json.object();
            o.put("split", split);
            o.set("overall", overall);
            ObjectNode kinds = o.putObject("byKind");
            byKind.forEach(kinds::set);
            o.set("latency", latency);
            examples.forEach(o.putArray("examples")::add);
            return o;
        }

        /** The report as an HTML page with charts. */
        public String toHtml() {
            StringBuilder b = new StringBuilder();
            b.append("<p>Split: ").append(Html.escape(split)).append("</p>\n");
            Map<String, Object> rows = new LinkedHashMap<>();
            overall.properties().forEach(e -> rows.put(e.getKey(), e.getValue().isNumber() ? e.getValue().doubleValue()
                    : e.getValue().asText()));
            b.append(Html.table(rows));
            Map<String, Double> rates = new LinkedHashMap<>();
            for (String k : List.of("parseSuccessRate", "callDecisionAccuracy", "taskF1", "promptTokenF1", "promptCosine", "edgeF1")) {
                if (overall.has(k)) {
                    rates.put(k, overall.get(k).asDouble());
                }
            }
            b.append(Html.barChart("Scores (0 to 1)", rates));
            for (String metric : List.of("callDecisionAccuracy", "taskF1")) {
                Map<String, Double> perKind = new LinkedHashMap<>();
                byKind.forEach((k, s) -> perKind.put(k, s.path(metric).asDouble()));
                b.append(Html.barChart(metric + " by kind", perKind));
            }
            Map<String, Double> lat = new LinkedHashMap<>();
            latency.properties().forEach(e -> {
                if (e.getKey().endsWith("Ms")) {
                    lat.put(e.getKey(), e.getValue().asDouble());
                }
            });
            b.append(Html.barChart("Latency (ms)", lat));
            if (!examples.isEmpty()) {
                b.append("<h2>First problems</h2>\n<ul>\n");
                examples.forEach(e -> b.append("<li>").append(Html.escape(e)).append("</li>\n"));
                b.append("</ul>\n");
            }
            return Html.page("Modaweave evaluation report", b.toString());
        }

        /** Writes {@code eval.json} and {@code eval.html} into {@code dir}. */
        public void write(Path dir) {
            try {
                Files.createDirectories(dir);
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("eval.json").toFile(), toJson());
                Files.writeString(dir.resolve("eval.html"), toHtml(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the evaluation report into " + dir, e);
            }
        }
    }

    /** Builder; the responder is required. */
    public static final class Builder {
        private Responder responder;
        private SentenceEmbedder embedder;
        private int limit;
        private PrintWriter progress;
        private LongSupplier clock = System::nanoTime;
        private Path predictions;

        public Builder responder(Responder responder) { this.responder = responder; return this; }
        /** Embeds prompts for the cosine score; without it only token F1 is computed. */
        public Builder embedder(SentenceEmbedder embedder) { this.embedder = embedder; return this; }
        /** Evaluates at most this many records (0: all). */
        public Builder limit(int limit) {
            if (limit < 0) {
                throw new IllegalArgumentException("limit " + limit + " is invalid; use 0 for all records or a positive number");
            }
            this.limit = limit;
            return this;
        }
        public Builder progress(PrintWriter out) { this.progress = out; return this; }
        /** The clock latencies are measured with (nanoseconds). */
        public Builder clock(LongSupplier nanoClock) { this.clock = nanoClock; return this; }
        /** Writes one JSON line per record (answer, expected and predicted calls, scores) to {@code file}. */
        public Builder predictions(Path file) { this.predictions = file; return this; }

        public Evaluator build() {
            return new Evaluator(this);
        }
    }
}
