package dev.modaweave.app.planner;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modaweave.datasets.Caption;
import dev.modaweave.datasets.DatasetBuilder;
import dev.modaweave.datasets.Evaluator;
import dev.modaweave.datasets.ExportFormat;
import dev.modaweave.datasets.NearDuplicateFilter;
import dev.modaweave.datasets.Responder;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped planner's accuracy on requests written by hand (worded unlike the templates) and on
 * records the data set builder renders from captions the planner was not trained on. Of the
 * hand-written sets, {@code handwritten.jsonl} was studied while the planner was built;
 * {@code frozen-test.jsonl} (171 requests in 18 categories, with the key words each prompt keeps)
 * and {@code handwritten-test.jsonl} are frozen: written before the model they score and never
 * trained or tuned on. The tests hold the planner to its goals, not to one model's exact scores.
 */
class PlannerAccuracyTest {

    @TempDir
    Path dir;

    private final EmbeddedPlanner planner = EmbeddedPlanner.shared();

    @Test
    void hand_written_requests_studied_while_building_the_planner_get_the_expected_calls() throws Exception {
        HandWrittenSet.Report report = score("handwritten.jsonl", 40);

        assertThat(report.overall().callSetAccuracy()).isGreaterThanOrEqualTo(DEV_CALL_SET_MIN);
    }

    @Test
    void the_frozen_set_keeps_the_shipped_model_s_scores_on_calls_key_words_and_requests_needing_no_call() throws Exception {
        HandWrittenSet.Report report = score("frozen-test.jsonl", 150);

        assertThat(report.overall().callSetAccuracy()).isGreaterThanOrEqualTo(FROZEN_CALL_SET_MIN);
        assertThat(report.overall().keywordRecall()).isGreaterThanOrEqualTo(FROZEN_KEYWORD_MIN);
        assertThat(report.overall().noCallPrecision()).isGreaterThanOrEqualTo(FROZEN_NO_CALL_PRECISION_MIN);
    }

    @Test
    void the_older_held_out_set_keeps_the_shipped_model_s_scores_on_calls_key_words_and_requests_needing_no_call() throws Exception {
        HandWrittenSet.Report report = score("handwritten-test.jsonl", 80);

        assertThat(report.overall().callSetAccuracy()).isGreaterThanOrEqualTo(HELD_OUT_CALL_SET_MIN);
        assertThat(report.overall().keywordRecall()).isGreaterThanOrEqualTo(HELD_OUT_KEYWORD_MIN);
        assertThat(report.overall().noCallPrecision()).isGreaterThanOrEqualTo(HELD_OUT_NO_CALL_PRECISION_MIN);
    }

    /**
     * The goals are call-set accuracy 0.95, key-word recall 0.92 and no-call precision 0.95 on both
     * frozen sets. The shipped model does not reach them yet (frozen-test 0.819 / 0.810 / 0.750,
     * handwritten-test 0.889 / 0.942 / 0.938; see the README), so these floors sit a little below its
     * scores: they catch a regression without pinning one model's exact numbers. Raise them toward
     * the goals as models improve.
     */
    static final double FROZEN_CALL_SET_MIN = 0.80;
    static final double FROZEN_KEYWORD_MIN = 0.79;
    static final double FROZEN_NO_CALL_PRECISION_MIN = 0.70;
    static final double HELD_OUT_CALL_SET_MIN = 0.82;
    static final double HELD_OUT_KEYWORD_MIN = 0.90;
    static final double HELD_OUT_NO_CALL_PRECISION_MIN = 0.90;
    /** Requests studied while building the planner. */
    static final double DEV_CALL_SET_MIN = 0.88;

    /** The scores of the shipped planner on a hand-written set of at least {@code atLeast} requests; prints the table and misses. */
    private HandWrittenSet.Report score(String resource, int atLeast) throws Exception {
        HandWrittenSet set;
        try (var in = Objects.requireNonNull(getClass().getResourceAsStream(resource), resource)) {
            set = HandWrittenSet.read(resource, in);
        }
        HandWrittenSet.Report report = set.score(planner);
        System.out.printf("%s%n%s", resource, report.table());
        report.misses().forEach(m -> System.out.println("  miss: " + m));
        assertThat(report.overall().requests()).isGreaterThanOrEqualTo(atLeast);
        return report;
    }

    @Test
    void records_rendered_from_unseen_captions_meet_the_evaluation_goals() {
        List<Caption> captions = new ArrayList<>();
        String[] images = {"A yellow kayak resting on a pebble beach.", "Two children flying a kite in a field.",
                "A bowl of oranges on a wooden kitchen table.", "An old tram crossing a bridge in the fog.",
                "A cat sleeping inside a cardboard box.", "A man repairing a bicycle wheel on the sidewalk.",
                "Three sheep standing on a green hillside.", "A red umbrella leaning against a door.",
                "A plate with a sandwich and a pickle.", "A lighthouse under a cloudy evening sky."};
        String[] videos = {"a woman is slicing vegetables in a kitchen", "a boy jumps into a swimming pool",
                "a man is explaining how to tie a knot", "cars drive along a highway at night",
                "a dog runs through tall grass", "people are dancing at a wedding party",
                "a chef pours sauce over pasta", "a girl plays the violin on a stage"};
        String[] sounds = {"Rain falls steadily on a tin roof", "A dog barks twice and then whines",
                "Waves crash on the shore while gulls call", "A car engine starts and idles",
                "Church bells ring in the distance", "A crowd applauds and cheers loudly",
                "Wind blows through trees with birds chirping", "A door creaks open and slams shut"};
        add(captions, images, Modality.IMAGE);
        add(captions, videos, Modality.VIDEO);
        add(captions, sounds, Modality.AUDIO);
        DatasetBuilder.builder().captionList(captions).outDir(dir).seed(3).size(400)
                .dedup(NearDuplicateFilter.Options.defaults().withMode(NearDuplicateFilter.Mode.EXACT))
                .formats(Set.of(ExportFormat.NATIVE)).splitShares(0.001, 0.001, 0.998).build().build();

        Evaluator.EvalReport report = Evaluator.builder().responder(Responder.of(planner, Duration.ofSeconds(30))).build()
                .evaluate(dir.resolve("test.jsonl"));

        JsonNode overall = report.overall();
        System.out.println("generated split: " + Json.write(report.toJson()));
        assertThat(overall.get("records").asLong()).isGreaterThan(300);
        // The test split uses only template families held out of training: wording the model never saw;
        // prompt token F1 counts a missed call as 0.
        assertThat(overall.get("callDecisionAccuracy").asDouble()).isGreaterThanOrEqualTo(0.9);
        assertThat(overall.get("taskF1").asDouble()).isGreaterThanOrEqualTo(0.85);
        assertThat(overall.get("promptTokenF1").asDouble()).isGreaterThanOrEqualTo(0.8);
        assertThat(overall.get("parseSuccessRate").asDouble()).isEqualTo(1.0);
    }

    private static void add(List<Caption> into, String[] texts, Modality modality) {
        for (int i = 0; i < texts.length; i++) {
            into.add(new Caption(modality.wireName() + "-" + i, texts[i], modality, "hand-written", ""));
        }
    }
}
