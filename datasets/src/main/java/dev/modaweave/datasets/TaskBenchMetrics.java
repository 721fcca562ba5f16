package dev.modaweave.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modaweave.agent.MetaResponse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * TaskBench's tool-graph metrics (Shen et al., "TaskBench", 2023; its {@code evaluate.py}) on
 * meta-responses, and the text similarities used beside them.
 *
 * <p>TaskBench compares, per sample, the <em>set</em> of predicted items with the set of gold items
 * (its {@code flatten} walks the union of both), and sums true positives, false positives and false
 * negatives over all samples before computing precision, recall and F1 (binary / micro average):
 *
 * <ul>
 *   <li><b>n-F1</b> (nodes): task names; names outside the task catalog are ignored, as TaskBench's
 *       {@code types} filter ignores unknown tools;</li>
 *   <li><b>e-F1</b> (edges, "links"): {@code source task > target task} for every call whose argument
 *       refers to an earlier call with {@code $ref} (a call referring to itself is skipped); every
 *       record counts, also those without edges, where a predicted edge is a false positive;</li>
 *   <li><b>t-F1</b>: {@code task-argument name} pairs;</li>
 *   <li><b>v-F1</b>: {@code task-argument name-value} triples. A {@code $ref} argument's value is the
 *       task of the call it names (TaskBench writes a link argument's value as the source tool's name),
 *       or {@code input} for an attached medium.</li>
 * </ul>
 *
 * <p>Where nothing is to be scored (no gold and no predicted item in any sample) precision, recall and
 * F1 are undefined and reported as such (null), never as 0 beside an F1 of 1.
 */
public final class TaskBenchMetrics {

    private TaskBenchMetrics() {
    }

    /**
     * Summed counts of one metric.
     *
     * @param tp items in both sets
     * @param fp predicted items not in gold
     * @param fn gold items not predicted
     */
    public record Counts(long tp, long fp, long fn) {
        /** No items. */
        public static final Counts ZERO = new Counts(0, 0, 0);

        /** These counts plus {@code other}. */
        public Counts plus(Counts other) {
            return new Counts(tp + other.tp, fp + other.fp, fn + other.fn);
        }

        /** tp / (tp + fp); null when nothing was predicted. */
        public Double precision() {
            return tp + fp == 0 ? null : tp / (double) (tp + fp);
        }

        /** tp / (tp + fn); null when there is no gold item. */
        public Double recall() {
            return tp + fn == 0 ? null : tp / (double) (tp + fn);
        }

        /** 2tp / (2tp + fp + fn); null when there is no item at all. */
        public Double f1() {
            return tp + fp + fn == 0 ? null : 2.0 * tp / (2 * tp + fp + fn);
        }
    }

    /** The counts of one sample: {@code gold} against {@code predicted}, as sets. */
    public static Counts compare(Set<String> gold, Set<String> predicted) {
        long tp = predicted.stream().filter(gold::contains).count();
        return new Counts(tp, predicted.size() - tp, gold.size() - tp);
    }

    /** The task names of {@code calls} that are in {@code knownTasks}. */
    public static Set<String> nodes(List<MetaResponse> calls, Set<String> knownTasks) {
        Set<String> out = new LinkedHashSet<>();
        calls.stream().map(MetaResponse::task).filter(t -> t != null && knownTasks.contains(t)).forEach(out::add);
        return out;
    }

    /** {@code source>target} task pairs of the references between {@code calls}. */
    public static Set<String> links(List<MetaResponse> calls) {
        Map<String, String> taskOf = new HashMap<>();
        calls.forEach(c -> taskOf.put(c.id(), String.valueOf(c.task())));
        Set<String> out = new LinkedHashSet<>();
        for (MetaResponse c : calls) {
            for (String ref : c.references()) {
                if (taskOf.containsKey(ref) && !ref.equals(c.id())) {
                    out.add(taskOf.get(ref) + ">" + c.task());
                }
            }
        }
        return out;
    }

    /** {@code task-name} pairs of every argument of {@code calls}. */
    public static Set<String> argumentNames(List<MetaResponse> calls) {
        Set<String> out = new LinkedHashSet<>();
        for (MetaResponse c : calls) {
            c.args().fieldNames().forEachRemaining(name -> out.add(c.task() + "-" + name));
        }
        return out;
    }

    /** {@code task-name-value} triples of every argument of {@code calls}; see the class comment for {@code $ref} values. */
    public static Set<String> argumentValues(List<MetaResponse> calls, Set<String> attached) {
        Map<String, String> taskOf = new HashMap<>();
        calls.forEach(c -> taskOf.put(c.id(), String.valueOf(c.task())));
        Set<String> out = new LinkedHashSet<>();
        for (MetaResponse c : calls) {
            c.args().properties().forEach(e -> {
                JsonNode v = e.getValue();
                String value;
                if (MetaResponse.isReference(v)) {
                    String ref = v.get(MetaResponse.REF).asText();
                    value = taskOf.containsKey(ref) ? taskOf.get(ref) : attached.contains(ref) ? "input" : "unknown";
                } else {
                    value = v.isTextual() ? v.asText() : v.toString();
                }
                out.add(c.task() + "-" + e.getKey() + "-" + value);
            });
        }
        return out;
    }

    private static List<String> tokens(String text) {
        String n = CaptionText.normalised(text);
        return n.isEmpty() ? List.of() : Arrays.asList(n.split(" "));
    }

    /**
     * SQuAD-style token F1 of the normalised words (lower case, punctuation removed), as bags. Two
     * empty texts agree (1); one empty text against a non-empty one scores 0.
     */
    public static double tokenF1(String reference, String candidate) {
        List<String> a = tokens(reference);
        List<String> b = tokens(candidate);
        if (a.isEmpty() || b.isEmpty()) {
            return a.isEmpty() && b.isEmpty() ? 1 : 0;
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

    /**
     * ROUGE-L F-measure (β = 1) of the normalised words: the longest common subsequence over the
     * reference's and the candidate's lengths. Two empty texts agree (1).
     */
    public static double rougeL(String reference, String candidate) {
        List<String> a = tokens(reference);
        List<String> b = tokens(candidate);
        if (a.isEmpty() || b.isEmpty()) {
            return a.isEmpty() && b.isEmpty() ? 1 : 0;
        }
        int[] prev = new int[b.size() + 1];
        int[] cur = new int[b.size() + 1];
        for (String x : a) {
            for (int j = 1; j <= b.size(); j++) {
                cur[j] = x.equals(b.get(j - 1)) ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        int lcs = prev[b.size()];
        if (lcs == 0) {
            return 0;
        }
        double p = lcs / (double) b.size();
        double r = lcs / (double) a.size();
        return 2 * p * r / (p + r);
    }

    /** The text of an answer without its calls: what a reader sees. */
    public static String textWithout(String answer, List<MetaResponse> calls) {
        String text = answer.replaceAll("(?s)<meta>.*?</meta>", " ");
        for (MetaResponse c : calls) {
            text = text.replace(c.toCanonicalText(), " ");
        }
        return text.replaceAll("\\s+", " ").strip();
    }

    /** The {@code prompt} (or speech {@code text}) of each call with one, in order. */
    public static List<String> prompts(List<MetaResponse> calls) {
        List<String> out = new ArrayList<>();
        for (MetaResponse c : calls) {
            String p = c.args().path("prompt").asText("");
            out.add(p.isEmpty() ? c.args().path("text").asText("") : p);
        }
        return out;
    }
}
