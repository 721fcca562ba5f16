package dev.modaweave.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modaweave.tools.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A build from the shared caption corpora, checked the way a researcher would: no defect of the
 * review (wrong answers, broken slots, missing references…), every export loads, no image, clip,
 * template family or user text is shared between splits, the corpora's test captions are only in
 * test, and a quarter of the records are text-only turns. Skips without the corpora; required when
 * {@code CI=true}.
 */
class SharedCorporaBuildTest {

    @TempDir
    Path out;

    @Test
    void a_build_from_the_shared_corpora_has_no_defects_no_leaks_and_exports_that_load() throws Exception {
        Path captions = SharedCorpora.captions();
        DatasetBuilder.BuildSummary summary = DatasetBuilder.builder().captions(List.of(captions)).outDir(out).seed(7)
                .dedup(NearDuplicateFilter.Options.defaults().withMode(NearDuplicateFilter.Mode.EXACT)).build().build();

        assertThat(summary.rejected()).as("rejections: %s", summary.rejections()).isZero();
        JsonNode build = Json.parse(Files.readString(out.resolve("build.json")));
        assertThat(DataReview.countsOf(build)).as(build.path("review").toString()).isNotEmpty().allSatisfy((k, v) -> assertThat(v).isZero());
        assertThat(ExportChecks.problems(out)).isEmpty();

        DatasetStats stats = DatasetStats.of(out);
        assertThat(stats.captionsInSeveralSplits()).isZero();
        assertThat(stats.overlaps()).isNotEmpty().allSatisfy((pair, o) -> assertThat(o.none()).as(pair + " " + o).isTrue());
        assertThat(stats.textOnly()).isGreaterThanOrEqualTo(stats.records() / 4);

        Map<String, String> officialSplit = new HashMap<>();
        for (Caption c : TestDataReader.read(captions)) {
            officialSplit.put(c.id(), c.split());
        }
        for (Split s : Split.values()) {
            for (String line : Files.readAllLines(out.resolve(s.wireName() + ".jsonl"))) {
                DatasetRecord r = DatasetRecord.fromJson(Json.parse(line));
                for (DatasetRecord.CaptionRef c : r.captions()) {
                    if ("test".equals(officialSplit.get(c.id()))) {
                        assertThat(r.split()).as(r.id() + " uses the corpus's test caption " + c.id()).isEqualTo(Split.TEST);
                    }
                }
            }
        }
    }

    @Test
    void the_python_loader_script_accepts_the_exports_of_the_shared_corpora() throws Exception {
        Path captions = SharedCorpora.captions();
        DatasetBuilder.builder().captions(List.of(captions)).outDir(out).seed(3).size(3000)
                .dedup(NearDuplicateFilter.Options.defaults().withMode(NearDuplicateFilter.Mode.EXACT)).build().build();
        assertThat(Json.parse(ExportLoadTest.runLoaderScript(out)).path("problems")).isEmpty();
    }

    /** Reads caption files with the default columns. */
    private static final class TestDataReader {
        static List<Caption> read(Path dir) throws IOException {
            List<Caption> all = new java.util.ArrayList<>();
            CaptionReader.withDefaults().read(List.of(dir), all::add);
            return all;
        }
    }
}
