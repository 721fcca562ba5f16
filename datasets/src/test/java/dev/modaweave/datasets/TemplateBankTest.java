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
    void the_bank_holds_a_thousand_request_forms_and_three_hundred_chat_turns_and_alignment_questions() {
        int requests = 0;
        for (List<String> sets : TemplateBank.USER_SETS.values()) {
            for (String set : sets) {
                if (!set.startsWith("alignment/") && !set.contains("no-call")) {
                    requests += bank.set(set).size();
                }
            }
        }
        int alignment = TemplateBank.USER_SETS.get(RecordKind.ALIGNMENT).stream().mapToInt(s -> bank.set(s).size()).sum();
        assertThat(requests).isGreaterThanOrEqualTo(1000);
        assertThat(bank.set("reasoning/no-call-chat")).hasSizeGreaterThanOrEqualTo(300);
        assertThat(alignment).isGreaterThanOrEqualTo(300);
        assertThat(bank.set("generation/speech-lines")).hasSizeGreaterThanOrEqualTo(200);
    }

    @Test
    void alternatives_in_brackets_expand_into_one_template_each_of_the_same_family() {
        assertThat(TemplateBank.expand("[Draw|Paint] {caption}[|, please].")).containsExactly(
                "Draw {caption}.", "Draw {caption}, please.", "Paint {caption}.", "Paint {caption}, please.");
        List<TemplateBank.Template> image = bank.set("generation/text-to-image");
        assertThat(image.stream().map(TemplateBank.Template::family).distinct().count()).isLessThan(image.size());
    }

    @Test
    void a_held_out_family_is_used_only_in_its_own_split() {
        List<Caption> captions = TestData.captions();
        Split[] splits = captions.stream().map(c -> SplitAssigner.splitOf(1, c.id(), SplitAssigner.DEFAULT)).toArray(Split[]::new);
        RecordGenerator generator = new RecordGenerator(bank, captions, splits, 1);
        Map<String, Set<Split>> familySplits = new java.util.HashMap<>();
        for (int i = 0; i < 5_000; i++) {
            DatasetRecord r = generator.next(i);
            String ref = r.template();
            int hash = ref.lastIndexOf('#');
            TemplateBank.Template t = bank.set(ref.substring(0, hash)).get(Integer.parseInt(ref.substring(hash + 1)));
            familySplits.computeIfAbsent(t.familyRef(), k -> new HashSet<>()).add(r.split());
        }
        assertThat(familySplits.values()).allMatch(s -> s.size() == 1);
        assertThat(familySplits.values().stream().filter(s -> s.contains(Split.TEST)).count()).isGreaterThan(10);
    }

    @Test
    void a_chat_turn_or_question_is_worded_by_one_family_only_so_splits_cannot_share_it() {
        Map<String, String> familyOf = new java.util.HashMap<>();
        for (String set : List.of("reasoning/no-call-chat", "reasoning/no-call-questions")) {
            for (TemplateBank.Template t : bank.set(set)) {
                String key = CaptionText.normalised(t.text());
                String before = familyOf.putIfAbsent(key, t.familyRef());
                assertThat(before == null || before.equals(t.familyRef())).as(t.text() + " also in " + before).isTrue();
            }
        }
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
            String ref = r.template();
            int hash = ref.lastIndexOf('#');
            used.add(bank.set(ref.substring(0, hash)).get(Integer.parseInt(ref.substring(hash + 1))).familyRef());
            assertThat(r.userText()).doesNotContain("{", "}", "[", "]").isNotBlank();
            assertThat(r.assistantText().replaceAll("<meta>.*?</meta>", "")).doesNotContain("{", "}");
        }
        long families = bank.familyCounts().values().stream().mapToLong(Integer::longValue).sum();
        assertThat(used.size()).as("user template families used").isGreaterThan((int) (families * 0.9));
    }

    @Test
    void an_unknown_set_is_named_in_the_error() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> bank.set("nope"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
    }
}
