package dev.modaweave.datasets;

import dev.modaweave.datasets.internal.RecordGenerator;
import dev.modaweave.datasets.internal.SplitAssigner;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class TemplateBankTest {

    private final TemplateBank bank = TemplateBank.load();

    @Test
    void every_kind_has_at_least_a_hundred_user_templates() {
        Map<RecordKind, Integer> counts = bank.userTemplateCounts();
        assertThat(counts).containsOnlyKeys(RecordKind.values());
        assertThat(counts.values()).allMatch(n -> n >= 100);
    }

    @Test
    void templates_within_a_set_are_all_different() {
        for (List<String> sets : TemplateBank.USER_SETS.values()) {
            for (String set : sets) {
                Set<String> seen = new HashSet<>();
                bank.set(set).forEach(t -> assertThat(seen.add(t.text().toLowerCase())).as(t.ref() + " repeats").isTrue());
            }
        }
    }

    @Test
    void every_template_renders_without_leftover_placeholders_in_many_records() {
        List<Caption> captions = TestData.captions();
        Split[] splits = captions.stream().map(c -> SplitAssigner.splitOf(1, c.id(), SplitAssigner.DEFAULT)).toArray(Split[]::new);
        RecordGenerator generator = new RecordGenerator(bank, captions, splits, 1);
        Set<String> used = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            DatasetRecord r = generator.next(i);
            used.add(r.template());
            assertThat(r.userText()).doesNotContain("{", "}").isNotBlank();
            assertThat(r.assistantText().replaceAll("<meta>.*?</meta>", "")).doesNotContain("{", "}");
        }
        long userTemplates = bank.userTemplateCounts().values().stream().mapToLong(Integer::longValue).sum();
        assertThat(used.size()).as("user templates used").isGreaterThan((int) (userTemplates * 0.9));
    }

    @Test
    void an_unknown_set_is_named_in_the_error() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> bank.set("nope"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
    }
}
