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
 *   <li>TaskBench's n-F1, e-F1, t-F1 and v-F1 ({@link TaskBenchMetrics}): task names, dependency
 *       edges, argument names and argument values, as per-record sets summed over all records;</li>
 *   <li>prompt token F1: for every expected call with a {@code prompt} (or speech {@code text}), the
 *       token F1 with the predicted call of the same task (in order), 0 when no such call was made;
 *       beside it the score of copying the user's request as the prompt, the floor to beat;</li>
 *   <li>answer token F1 and ROUGE-L of the text of answers to records that make no call (alignment,
 *       chit-chat, questions): a model that never calls does not score on those for free;</li>
 *   <li>latency percentiles of the model's answers.</li>
 * </ul>
 *
 * <p>A metric with nothing to score (say, e-F1 on records without edges, none predicted) is null,
 * not 0 or 1.
 */
public final class Evaluator {

    private static final Set<String> KNOWN_TASKS = Set.copyOf(DatasetTools.TASKS);

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

    /**
     * The conversation the model sees for {@code record}: the system prompt, the first user turn
     * (attached media named by artifact id), and every earlier turn of a follow-up.
     */
    public static List<ChatMessage> prompt(DatasetRecord record) {
        List<ChatMessage> out = new ArrayList<>();
        out.add(SystemMessage.from(Exporters.SYSTEM_PROMPT));
        List<DatasetRecord.Message> turns = record.messages();
        for (int i = 0; i < turns.size() - 1; i++) {
            DatasetRecord.Message m = turns.get(i);
            out.add(m.role().equals(DatasetRecord.Message.USER)
                    ? UserMessage.from(i == 0 ? Exporters.withAttachments(record, m.content()) : m.content())
                    : dev.langchain4j.data.message.AiMessage.from(m.content()));
        }
        return out;
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
        Set<String> media = record.mediaArtifactIds();
        o.nodes = TaskBenchMetrics.compare(TaskBenchMetrics.nodes(expected, KNOWN_TASKS), TaskBenchMetrics.nodes(predicted, KNOWN_TASKS));
        o.edges = TaskBenchMetrics.compare(TaskBenchMetrics.links(expected), TaskBenchMetrics.links(predicted));
        o.argNames = TaskBenchMetrics.compare(TaskBenchMetrics.argumentNames(expected), TaskBenchMetrics.argumentNames(predicted));
        o.argValues = TaskBenchMetrics.compare(TaskBenchMetrics.argumentValues(expected, media),
                TaskBenchMetrics.argumentValues(predicted, media));
        o.multiStep = expected.size() > 1;
        boolean[] used = new boolean[predicted.size()];
        List<String> wanted = TaskBenchMetrics.prompts(expected);
        for (int e = 0; e < expected.size(); e++) {
            String want = wanted.get(e);
            if (want.isEmpty()) {
                continue;
            }
            o.copyBaseline.add(TaskBenchMetrics.tokenF1(want, record.lastUserText()));
            String got = null;
            for (int i = 0; i < predicted.size(); i++) {
                if (!used[i] && Objects.equals(predicted.get(i).task(), expected.get(e).task())) {
                    used[i] = true;
                    got = TaskBenchMetrics.prompts(List.of(predicted.get(i))).get(0);
                    break;
                }
            }
            o.tokenF1.add(got == null ? 0 : TaskBenchMetrics.tokenF1(want, got));
            if (got != null && embedder != null) {
                float[][] v = embedder.embed(List.of(want, got.isEmpty() ? " " : got));
                o.cosine.add(SentenceEmbedder.cosine(v[0], v[1]));
            }
        }
        if (expected.isEmpty()) {
            String reference = TaskBenchMetrics.textWithout(record.assistantText(), expected);
            String text = TaskBenchMetrics.textWithout(answer.text(), predicted);
            o.answerTokenF1 = TaskBenchMetrics.tokenF1(reference, text);
            o.answerRougeL = TaskBenchMetrics.rougeL(reference, text);
        }
        return o;
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
        TaskBenchMetrics.Counts nodes = TaskBenchMetrics.Counts.ZERO;
        TaskBenchMetrics.Counts edges = TaskBenchMetrics.Counts.ZERO;
        TaskBenchMetrics.Counts argNames = TaskBenchMetrics.Counts.ZERO;
        TaskBenchMetrics.Counts argValues = TaskBenchMetrics.Counts.ZERO;
        final List<Double> tokenF1 = new ArrayList<>();
        final List<Double> copyBaseline = new ArrayList<>();
        final List<Double> cosine = new ArrayList<>();
        Double answerTokenF1;
        Double answerRougeL;
        String problem;
        List<MetaResponse> predicted = List.of();
    }

    /** Sums of outcomes. */
    private static final class Scores {
        long records;
        long parsed;
        long decisions;
        long multiStep;
        TaskBenchMetrics.Counts nodes = TaskBenchMetrics.Counts.ZERO;
        TaskBenchMetrics.Counts edges = TaskBenchMetrics.Counts.ZERO;
        TaskBenchMetrics.Counts argNames = TaskBenchMetrics.Counts.ZERO;
        TaskBenchMetrics.Counts argValues = TaskBenchMetrics.Counts.ZERO;
        double tokenF1Sum;
        double copySum;
        double cosineSum;
        long expectedPrompts;
        long embeddedPrompts;
        double answerF1Sum;
        double answerRougeSum;
        long answers;

        void add(Outcome o) {
            records++;
            parsed += o.parsed ? 1 : 0;
            decisions += o.decisionCorrect ? 1 : 0;
            multiStep += o.multiStep ? 1 : 0;
            nodes = nodes.plus(o.nodes);
            edges = edges.plus(o.edges);
            argNames = argNames.plus(o.argNames);
            argValues = argValues.plus(o.argValues);
            o.tokenF1.forEach(v -> tokenF1Sum += v);
            o.copyBaseline.forEach(v -> copySum += v);
            expectedPrompts += o.tokenF1.size();
            o.cosine.forEach(v -> cosineSum += v);
            embeddedPrompts += o.cosine.size();
            if (o.answerTokenF1 != null) {
                answers++;
                answerF1Sum += o.answerTokenF1;
                answerRougeSum += o.answerRougeL;
            }
        }

        ObjectNode toJson() {
            ObjectNode o = Json.object();
            o.put("records", records);
            put(o, "parseSuccessRate", ratio(parsed, records));
            put(o, "callDecisionAccuracy", ratio(decisions, records));
            metric(o, "n", nodes);
            metric(o, "e", edges);
            metric(o, "t", argNames);
            metric(o, "v", argValues);
            put(o, "taskF1", nodes.f1());
            o.put("expectedPrompts", expectedPrompts);
            put(o, "promptTokenF1", expectedPrompts == 0 ? null : tokenF1Sum / expectedPrompts);
            put(o, "promptTokenF1CopyBaseline", expectedPrompts == 0 ? null : copySum / expectedPrompts);
            if (embeddedPrompts > 0) {
                o.put("promptCosine", cosineSum / embeddedPrompts);
            }
            o.put("textAnswers", answers);
            put(o, "answerTokenF1", answers == 0 ? null : answerF1Sum / answers);
            put(o, "answerRougeL", answers == 0 ? null : answerRougeSum / answers);
            o.put("multiStepRecords", multiStep);
            return o;
        }

        private static void metric(ObjectNode o, String prefix, TaskBenchMetrics.Counts c) {
            put(o, prefix + "Precision", c.precision());
            put(o, prefix + "Recall", c.recall());
            put(o, prefix + "F1", c.f1());
            o.put(prefix + "Support", c.tp() + c.fn());
        }

        private static void put(ObjectNode o, String key, Double value) {
            if (value == null) {
                o.putNull(key);
            } else {
                o.put(key, value);
            }
        }

        private static Double ratio(long a, long b) {
            return b == 0 ? null : a / (double) b;
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
                    : e.getValue().isNull() ? "n/a (nothing to score)" : e.getValue().asText()));
            b.append(Html.table(rows));
            Map<String, Double> rates = new LinkedHashMap<>();
            for (String k : List.of("parseSuccessRate", "callDecisionAccuracy", "nF1", "eF1", "tF1", "vF1", "promptTokenF1",
                    "promptTokenF1CopyBaseline", "promptCosine", "answerTokenF1", "answerRougeL")) {
                if (overall.hasNonNull(k)) {
                    rates.put(k, overall.get(k).asDouble());
                }
            }
            b.append(Html.barChart("Scores (0 to 1)", rates));
            for (String metric : List.of("callDecisionAccuracy", "nF1")) {
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
