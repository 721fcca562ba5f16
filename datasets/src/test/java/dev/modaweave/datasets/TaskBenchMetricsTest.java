package dev.modaweave.datasets;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.agent.MetaResponse;
import dev.modaweave.tools.Json;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Each metric pinned on small examples computed by hand, following TaskBench's evaluate.py: per-sample
 * sets (its flatten walks the union of gold and predicted names, so a name repeated in one sample counts
 * once), unknown tool names ignored for nodes, links counted over every sample, counts summed before F1.
 */
class TaskBenchMetricsTest {

    private static final Set<String> TASKS = Set.copyOf(DatasetTools.TASKS);

    private static MetaResponse prompt(String id, String task, String prompt) {
        return MetaResponse.ofTask(id, task, Json.object().put("prompt", prompt));
    }

    private static MetaResponse edit(String id, String source, String prompt) {
        ObjectNode args = Json.object().put("prompt", prompt);
        args.putObject("image").put("$ref", source);
        return MetaResponse.ofTask(id, "image-edit", args);
    }

    @Test
    void node_f1_sums_per_sample_sets_and_ignores_unknown_task_names_as_taskbench_does() {
        // sample 1: gold {image, edit}, predicted {image, image (twice: one item), audio} -> tp 1, fp 1, fn 1
        TaskBenchMetrics.Counts one = TaskBenchMetrics.compare(
                TaskBenchMetrics.nodes(List.of(prompt("a", "text-to-image", "x"), edit("b", "a", "y")), TASKS),
                TaskBenchMetrics.nodes(List.of(prompt("a", "text-to-image", "x"), prompt("c", "text-to-image", "z"),
                        prompt("d", "text-to-audio", "w")), TASKS));
        // sample 2: gold {video}, predicted {video, "make-a-movie" (not a known task)} -> tp 1
        TaskBenchMetrics.Counts two = TaskBenchMetrics.compare(
                TaskBenchMetrics.nodes(List.of(prompt("v", "text-to-video", "x")), TASKS),
                TaskBenchMetrics.nodes(List.of(prompt("v", "text-to-video", "x"), prompt("m", "make-a-movie", "x")), TASKS));
        TaskBenchMetrics.Counts sum = one.plus(two);
        assertThat(sum).isEqualTo(new TaskBenchMetrics.Counts(2, 1, 1));
        assertThat(sum.precision()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(sum.recall()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(sum.f1()).isCloseTo(2.0 / 3, within(1e-12));
    }

    @Test
    void edge_f1_counts_every_sample_so_a_predicted_edge_where_none_is_due_is_a_false_positive() {
        // sample 1: gold image>edit, predicted image>edit -> tp 1
        TaskBenchMetrics.Counts one = TaskBenchMetrics.compare(
                TaskBenchMetrics.links(List.of(prompt("a", "text-to-image", "x"), edit("b", "a", "y"))),
                TaskBenchMetrics.links(List.of(prompt("p", "text-to-image", "x"), edit("q", "p", "y"))));
        // sample 2: no gold edge, predicted image>edit -> fp 1
        TaskBenchMetrics.Counts two = TaskBenchMetrics.compare(Set.of(),
                TaskBenchMetrics.links(List.of(prompt("a", "text-to-image", "x"), edit("b", "a", "y"))));
        // sample 3: gold image>edit, predicted edit of an attached photo (no link between calls) -> fn 1
        TaskBenchMetrics.Counts three = TaskBenchMetrics.compare(
                TaskBenchMetrics.links(List.of(prompt("a", "text-to-image", "x"), edit("b", "a", "y"))),
                TaskBenchMetrics.links(List.of(edit("b", "art_aaaaaaaaaaaaaaaaaaaaaaaaaa", "y"))));
        TaskBenchMetrics.Counts sum = one.plus(two).plus(three);
        assertThat(sum).isEqualTo(new TaskBenchMetrics.Counts(1, 1, 1));
        assertThat(sum.f1()).isCloseTo(0.5, within(1e-12));
        assertThat(TaskBenchMetrics.links(List.of(edit("b", "b", "y")))).as("a self-reference is no link").isEmpty();
    }

    @Test
    void argument_name_and_value_f1_compare_task_name_and_task_name_value_items() {
        List<MetaResponse> gold = List.of(prompt("a", "text-to-image", "a red fox"), edit("b", "a", "at sunset"));
        List<MetaResponse> predicted = List.of(prompt("x", "text-to-image", "a red fox in snow"), edit("y", "x", "at sunset"));
        TaskBenchMetrics.Counts names = TaskBenchMetrics.compare(TaskBenchMetrics.argumentNames(gold),
                TaskBenchMetrics.argumentNames(predicted));
        assertThat(names).isEqualTo(new TaskBenchMetrics.Counts(3, 0, 0));
        TaskBenchMetrics.Counts values = TaskBenchMetrics.compare(TaskBenchMetrics.argumentValues(gold, Set.of()),
                TaskBenchMetrics.argumentValues(predicted, Set.of()));
        // equal: image-edit-image-text-to-image (a $ref's value is the task it names), image-edit-prompt-at sunset
        assertThat(values).isEqualTo(new TaskBenchMetrics.Counts(2, 1, 1));
        assertThat(values.f1()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(TaskBenchMetrics.argumentValues(List.of(edit("b", "art_aaaaaaaaaaaaaaaaaaaaaaaaaa", "y")),
                Set.of("art_aaaaaaaaaaaaaaaaaaaaaaaaaa"))).contains("image-edit-image-input");
    }

    @Test
    void nothing_to_score_is_undefined_not_zero_beside_one() {
        assertThat(TaskBenchMetrics.Counts.ZERO.precision()).isNull();
        assertThat(TaskBenchMetrics.Counts.ZERO.recall()).isNull();
        assertThat(TaskBenchMetrics.Counts.ZERO.f1()).isNull();
        TaskBenchMetrics.Counts onlyMissed = new TaskBenchMetrics.Counts(0, 0, 2);
        assertThat(onlyMissed.precision()).isNull();
        assertThat(onlyMissed.recall()).isEqualTo(0.0);
        assertThat(onlyMissed.f1()).isEqualTo(0.0);
    }

    @Test
    void token_f1_and_rouge_l_on_hand_computed_pairs() {
        // reference a red fox in snow (5), candidate a red fox in the snow (6): 5 shared -> P 5/6, R 1
        assertThat(TaskBenchMetrics.tokenF1("A red fox in snow.", "a red fox in the snow")).isCloseTo(10.0 / 11, within(1e-12));
        // LCS of "the cat sat on the mat" and "the cat lay on the mat": the cat on the mat = 5 of 6 each
        assertThat(TaskBenchMetrics.rougeL("the cat sat on the mat", "the cat lay on the mat")).isCloseTo(5.0 / 6, within(1e-12));
        // order matters for ROUGE-L, not for token F1
        assertThat(TaskBenchMetrics.tokenF1("red fox", "fox red")).isEqualTo(1.0);
        assertThat(TaskBenchMetrics.rougeL("red fox", "fox red")).isCloseTo(0.5, within(1e-12));
        assertThat(TaskBenchMetrics.tokenF1("", "")).isEqualTo(1.0);
        assertThat(TaskBenchMetrics.rougeL("paris", "")).isEqualTo(0.0);
    }
}
