package dev.modaweave.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modaweave.tools.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class DatasetBuilderTest {

    @TempDir
    Path out;

    private DatasetBuilder.BuildSummary build(Path dir, long seed) {
        return DatasetBuilder.builder().captions(List.of(TestData.captionsDir())).outDir(dir).seed(seed).size(600)
                .embedder(HashingEmbedder::new).build().build();
    }

    private static List<DatasetRecord> records(Path dir) throws IOException {
        List<DatasetRecord> all = new ArrayList<>();
        for (Split s : Split.values()) {
            for (String line : Files.readAllLines(dir.resolve(s.wireName() + ".jsonl"))) {
                all.add(DatasetRecord.fromJson(Json.parse(line)));
            }
        }
        return all;
    }

    @Test
    void build_writes_every_requested_record_into_three_splits_and_all_exports() throws IOException {
        DatasetBuilder.BuildSummary summary = build(out, 7);

        assertThat(summary.rejected()).as("rejections: %s", summary.rejections()).isZero();
        assertThat(summary.written()).isEqualTo(600);
        List<DatasetRecord> records = records(out);
        assertThat(records).hasSize(600);
        assertThat(records).extracting(DatasetRecord::split).contains(Split.TRAIN, Split.VAL, Split.TEST);
        for (String f : List.of("llava/train.json", "llava/train-video-audio.json", "modaverse/train.json", "openai/train.jsonl",
                "build.json", "README.md")) {
            assertThat(out.resolve(f)).isNotEmptyFile();
        }
        assertThat(Json.parse(Files.readString(out.resolve("llava/train.json"))).isArray()).isTrue();
    }

    @Test
    void build_makes_all_three_kinds_with_dependent_calls_and_turns_without_calls() throws IOException {
        build(out, 7);
        List<DatasetRecord> records = records(out);

        assertThat(records).extracting(DatasetRecord::kind).contains(RecordKind.values());
        assertThat(records).extracting(DatasetRecord::variant).contains("text-to-image", "text-to-video", "text-to-audio",
                "text-to-speech", "image-then-edit", "image-then-narration", "image-and-sound", "upload-edit", "no-call-chat",
                "no-call-text", "describe-image", "describe-audio");
        DatasetRecord edit = records.stream().filter(r -> r.variant().equals("image-then-edit")).findFirst().orElseThrow();
        assertThat(edit.calls().get(1).references()).containsExactly("img1");
        DatasetRecord narration = records.stream().filter(r -> r.variant().equals("image-then-narration")).findFirst().orElseThrow();
        assertThat(narration.calls().get(1).task()).isEqualTo("text-to-speech");
        assertThat(narration.calls().get(1).args().path("text").asText()).isNotBlank();
        assertThat(narration.calls().get(1).references()).containsExactly("img1");
        assertThat(narration.userText()).contains(narration.calls().get(1).args().path("text").asText());
        DatasetRecord upload = records.stream().filter(r -> r.variant().equals("upload-edit")).findFirst().orElseThrow();
        assertThat(upload.calls().get(0).references()).containsExactlyElementsOf(upload.mediaArtifactIds());
        assertThat(records.stream().filter(r -> r.variant().startsWith("no-call"))).allMatch(r -> r.calls().isEmpty());
        assertThat(records).extracting(DatasetRecord::variant).contains("three-calls", "two-sentences", "music",
                "styled-image", "media-question", "no-call-question");
        assertThat(records).anyMatch(r -> r.variant().startsWith("follow-up") && r.messages().size() == 4);
        long textOnly = records.stream().filter(r -> r.calls().isEmpty() && r.media().isEmpty()).count();
        assertThat(textOnly).as("text-only turns").isGreaterThanOrEqualTo(records.size() / 4);
    }

    @Test
    void no_caption_appears_in_two_splits() throws IOException {
        build(out, 7);
        Map<String, Set<Split>> splits = new HashMap<>();
        for (DatasetRecord r : records(out)) {
            r.captions().forEach(c -> splits.computeIfAbsent(c.id(), k -> new java.util.HashSet<>()).add(r.split()));
        }
        assertThat(splits.values()).allMatch(s -> s.size() == 1);
    }

    @Test
    void the_same_seed_gives_the_same_files_and_another_seed_other_ones(@TempDir Path again, @TempDir Path other)
            throws IOException {
        build(out, 7);
        build(again, 7);
        build(other, 8);

        assertThat(Files.readString(again.resolve("train.jsonl"))).isEqualTo(Files.readString(out.resolve("train.jsonl")));
        assertThat(Files.readString(other.resolve("train.jsonl"))).isNotEqualTo(Files.readString(out.resolve("train.jsonl")));
    }

    @Test
    void every_written_record_reads_back_through_the_parser_and_validator() throws IOException {
        build(out, 3);
        RecordChecker checker = RecordChecker.forDatasetTools();
        for (DatasetRecord r : records(out)) {
            assertThat(checker.problems(r)).as(r.id()).isEmpty();
        }
    }

    @Test
    void data_card_names_sources_and_says_research_use_only() throws IOException {
        build(out, 7);
        String card = Files.readString(out.resolve("README.md"));

        assertThat(card).contains("MS-COCO Captions 2017", "MSR-VTT", "AudioCaps", "CC BY 4.0",
                "Research and non-commercial use only");
        JsonNode summary = Json.parse(Files.readString(out.resolve("build.json")));
        assertThat(summary.path("dedup").path("captionsRead").asInt()).isEqualTo(90);
    }

    @Test
    void combined_requests_ask_for_two_or_three_calls_of_the_tasks_their_variant_names_in_the_words_of_their_calls()
            throws IOException {
        DatasetBuilder.builder().captions(List.of(TestData.captionsDir())).outDir(out).seed(11).size(2000)
                .embedder(HashingEmbedder::new).build().build();
        List<DatasetRecord> combined = records(out).stream().filter(r -> r.variant().startsWith("combined-")).toList();

        assertThat(combined).hasSizeGreaterThan(20);
        Map<String, String> tasks = Map.of("image", "text-to-image", "video", "text-to-video", "audio", "text-to-audio",
                "speech", "text-to-speech");
        for (DatasetRecord r : combined) {
            List<String> named = List.of(r.variant().substring("combined-".length()).split("-"));
            assertThat(named).hasSizeBetween(2, 3);
            assertThat(r.calls()).extracting(c -> c.task()).containsExactlyElementsOf(named.stream().map(tasks::get).toList());
            String user = r.messages().get(0).content();
            for (var call : r.calls()) {
                String words = call.task().equals("text-to-speech") ? call.args().get("text").asText() : call.args().get("prompt").asText();
                String[] split = words.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9' ]", " ").trim().split("\\s+");
                List<String> content = java.util.Arrays.stream(split).filter(w -> w.length() >= 4).toList();
                long found = content.stream().filter(w -> user.toLowerCase(java.util.Locale.ROOT).contains(w)).count();
                assertThat(found).as("%s: the words of %s in %s", r.id(), words, user).isGreaterThanOrEqualTo(content.size() / 2);
            }
            assertThat(user).as(r.id()).doesNotContain(".\".").doesNotContain("{");
            assertThat(r.calls()).extracting(c -> c.id()).doesNotHaveDuplicates();
        }
        assertThat(combined).extracting(DatasetRecord::variant).anySatisfy(v -> assertThat(v.split("-")).hasSize(4));
    }
}
