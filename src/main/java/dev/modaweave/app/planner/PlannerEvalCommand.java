package dev.modaweave.app.planner;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.agent.MetaResponse;
import dev.modaweave.app.UsageException;
import dev.modaweave.datasets.DatasetRecord;
import dev.modaweave.datasets.Evaluator;
import dev.modaweave.datasets.Responder;
import dev.modaweave.datasets.Split;
import dev.modaweave.tools.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code modaweave planner eval}: the data set's evaluation harness on the planner, plus the
 * planner's own goals: call-set accuracy, no-call precision and recall, and latency per request.
 */
@Command(name = "eval",
        mixinStandardHelpOptions = true,
        description = {"Evaluate the embedded planner on a split of a data set: runs the evaluation harness (as 'dataset eval",
                "--provider embedded' does) and adds call-set accuracy (the exact set of tasks), no-call precision and",
                "recall, and the planner's latency per request. Prints one JSON object. --set scores hand-written labelled",
                "requests per category (call-set accuracy, key-word recall, no-call precision).",
                "Examples: modaweave planner eval --data data --split test",
                "          modaweave planner eval --set frozen-test.jsonl --set handwritten-test.jsonl --table"})
final class PlannerEvalCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", description = "The data set's directory.")
    Path data;

    @Option(names = "--set", paramLabel = "FILE", description = {"A hand-written labelled set (JSON lines, see HandWrittenSet);",
            "repeatable. Prints per set call-set accuracy, key-word recall, no-call precision per category, and the misses."})
    List<Path> sets = new ArrayList<>();

    @Option(names = "--table", description = "With --set: print a Markdown table per set instead of JSON.")
    boolean table;

    @Option(names = "--split", defaultValue = "test", description = "Split to evaluate: train, val, test (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--model", paramLabel = "FILE", description = "A model file from 'planner train' (default: the shipped model).")
    Path modelFile;

    @Override
    public Integer call() {
        if (data == null && sets.isEmpty()) {
            throw new UsageException("give --data DIR (a data set) or --set FILE (a hand-written set), or both");
        }
        EmbeddedPlanner planner;
        try {
            planner = modelFile != null ? EmbeddedPlanner.load(modelFile) : EmbeddedPlanner.shared();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        for (Path set : sets) {
            HandWrittenSet.Report report;
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(set)) {
                report = HandWrittenSet.read(set.getFileName().toString(), in).score(planner);
            } catch (java.nio.file.NoSuchFileException e) {
                throw new UsageException("cannot read " + set + ": no such file");
            } catch (java.io.IOException | IllegalArgumentException e) {
                throw new UsageException("cannot read " + set + ": " + e.getMessage(), e);
            }
            if (table) {
                spec.commandLine().getOut().printf("%s (p50 %.1f ms)%n%s%n", report.name(), report.p50Ms(), report.table());
                report.misses().forEach(m -> spec.commandLine().getOut().println("  miss: " + m));
            } else {
                spec.commandLine().getOut().println(Json.write(report.toJson()));
            }
        }
        if (data == null) {
            return 0;
        }
        return evalData(planner);
    }

    private Integer evalData(EmbeddedPlanner planner) {
        Path file;
        List<DatasetRecord> records;
        try {
            file = data.resolve(Split.fromWireName(split).wireName() + ".jsonl");
            records = PlannerTrainer.read(file);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        Evaluator.EvalReport report = Evaluator.builder().responder(Responder.of(planner, Duration.ofSeconds(60))).build().evaluate(file);
        long exact = 0;
        long noCallPredicted = 0;
        long noCallRight = 0;
        long noCallGold = 0;
        long[] nanos = new long[records.size()];
        for (int i = 0; i < records.size(); i++) {
            DatasetRecord r = records.get(i);
            String message = Evaluator.prompt(r).get(1) instanceof dev.langchain4j.data.message.UserMessage u ? u.singleText() : r.userText();
            long start = System.nanoTime();
            Plan plan = planner.plan(message);
            nanos[i] = System.nanoTime() - start;
            List<String> got = new ArrayList<>(plan.calls().stream().map(MetaResponse::task).toList());
            List<String> want = new ArrayList<>(r.calls().stream().map(MetaResponse::task).toList());
            got.sort(null);
            want.sort(null);
            exact += got.equals(want) ? 1 : 0;
            noCallPredicted += got.isEmpty() ? 1 : 0;
            noCallGold += want.isEmpty() ? 1 : 0;
            noCallRight += got.isEmpty() && want.isEmpty() ? 1 : 0;
        }
        Arrays.sort(nanos);
        ObjectNode planner1 = Json.object();
        planner1.put("records", records.size());
        planner1.put("callSetAccuracy", ratio(exact, records.size()));
        planner1.put("noCallPrecision", ratio(noCallRight, noCallPredicted));
        planner1.put("noCallRecall", ratio(noCallRight, noCallGold));
        if (nanos.length > 0) {
            planner1.put("latencyP50Ms", nanos[(int) Math.ceil(0.5 * nanos.length) - 1] / 1e6);
            planner1.put("latencyP90Ms", nanos[(int) Math.ceil(0.9 * nanos.length) - 1] / 1e6);
        }
        ObjectNode out = report.toJson();
        out.set("planner", planner1);
        spec.commandLine().getOut().println(Json.write(out));
        return 0;
    }

    private static double ratio(long a, long b) {
        return b == 0 ? 0 : a / (double) b;
    }
}
