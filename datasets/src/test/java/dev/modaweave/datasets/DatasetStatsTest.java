package dev.modaweave.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modaweave.tools.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatasetStatsTest {

    @TempDir
    Path out;

    @Test
    void counts_by_kind_modality_and_split_add_up_and_reports_are_written() throws IOException {
        DatasetBuilder.builder().captions(List.of(TestData.captionsDir())).outDir(out).seed(5).size(500)
                .embedder(HashingEmbedder::new).build().build();

        DatasetStats stats = DatasetStats.of(out);
        stats.writeReports(out);

        JsonNode json = Json.parse(Files.readString(out.resolve("stats.json")));
        assertThat(json.path("records").asLong()).isEqualTo(500);
        long bySplit = 0;
        for (JsonNode n : json.path("bySplit")) {
            bySplit += n.asLong();
        }
        long byKind = 0;
        for (JsonNode n : json.path("byKind")) {
            byKind += n.asLong();
        }
        assertThat(bySplit).isEqualTo(500);
        assertThat(byKind).isEqualTo(500);
        assertThat(json.path("byModality").fieldNames()).toIterable().contains("image", "video", "audio", "text");
        assertThat(json.path("captionsInSeveralSplits").asLong()).isZero();
        assertThat(json.path("build").path("written").asLong()).isEqualTo(500);
        assertThat(stats.toText()).contains("by kind", "user text length", "duplicate instructions");
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html).contains("<svg", "Records by kind").doesNotContain("<script", "src=\"http");
        assertThat(Files.readString(out.resolve("README.md"))).contains("## Statistics", "Research and non-commercial use only");
    }

    @Test
    void repeated_instructions_are_counted_as_duplicates() throws IOException {
        DatasetBuilder.builder().captions(List.of(TestData.captionsDir())).outDir(out).seed(5).size(3000)
                .embedder(HashingEmbedder::new).build().build();
        assertThat(DatasetStats.of(out).duplicateRate()).isPositive().isLessThan(1.0);
    }

    @Test
    void a_directory_without_split_files_says_to_build_first() {
        assertThatThrownBy(() -> DatasetStats.of(out)).hasMessageContaining("run dataset build first");
    }

    @Test
    void the_data_card_knows_the_terms_of_the_shared_corpora() {
        assertThat(DataCard.termsOf("MS-COCO Captions 2017").researchOnly()).isFalse();
        assertThat(DataCard.termsOf("MSR-VTT").researchOnly()).isTrue();
        assertThat(DataCard.termsOf("AudioCaps").researchOnly()).isTrue();
        assertThat(DataCard.termsOf("my-own").licence()).contains("not known");
    }
}
