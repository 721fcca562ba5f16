package dev.modaweave.datasets;

import dev.modaweave.tools.Modality;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NearDuplicateFilterTest {

    private static Caption image(String id, String text) {
        return new Caption(id, text, Modality.IMAGE, "test", "");
    }

    @Test
    void all_minilm_embeddings_from_the_langchain4j_jar_load_offline_and_match_langchain4j() {
        SentenceEmbedder ours = SentenceEmbedder.miniLm();
        SentenceEmbedder reference = SentenceEmbedder.of(
                new dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel());
        List<String> texts = List.of("A dog runs on the beach.", "a man riding a wave on top of a surfboard", "rain");
        float[][] a = ours.embed(texts);
        float[][] b = reference.embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(a[i]).hasSize(384);
            assertThat(SentenceEmbedder.cosine(a[i], b[i])).isGreaterThan(0.999);
        }
    }

    @Test
    void removes_normalised_exact_duplicates_and_paraphrase_near_duplicates_but_keeps_different_captions() {
        List<Caption> input = List.of(
                image("1", "A man riding a wave on top of a surfboard."),
                image("2", "a man riding a wave on top of a surfboard"),
                image("3", "A man is riding a wave on top of a surfboard."),
                image("4", "A plate of food with broccoli and rice."),
                new Caption("5", "A man riding a wave on top of a surfboard.", Modality.VIDEO, "test", ""));

        NearDuplicateFilter.Result r = new NearDuplicateFilter(SentenceEmbedder.miniLm(),
                NearDuplicateFilter.Options.defaults()).filter(input);

        assertThat(r.kept()).extracting(Caption::id).containsExactly("1", "4", "5");
        assertThat(r.exactDuplicates()).isEqualTo(1);
        assertThat(r.nearDuplicates()).isEqualTo(1);
        assertThat(r.duplicateRate()).isEqualTo(0.4);
    }

    @Test
    void all_pairs_search_finds_near_duplicates_that_share_few_words_which_lexical_candidates_never_compare() {
        List<Caption> input = List.of(image("1", "A puppy runs along the shore"), image("2", "A young dog running on the beach"),
                image("3", "A plate of food with broccoli and rice."));
        NearDuplicateFilter.Options loose = NearDuplicateFilter.Options.defaults().withThreshold(0.6);

        NearDuplicateFilter.Result exact = new NearDuplicateFilter(SentenceEmbedder.miniLm(),
                loose.withMode(NearDuplicateFilter.Mode.ALL_PAIRS)).filter(input);
        NearDuplicateFilter.Result lexical = new NearDuplicateFilter(SentenceEmbedder.miniLm(), loose).filter(input);

        assertThat(exact.kept()).extracting(Caption::id).containsExactly("1", "3");
        assertThat(exact.comparisons()).isEqualTo(2);
        assertThat(lexical.kept()).extracting(Caption::id).containsExactly("1", "2", "3");
        assertThat(lexical.embedded()).isZero();
    }

    @Test
    void the_threshold_decides_what_is_near() {
        List<Caption> input = List.of(image("1", "a red car parked on a street"), image("2", "a red car parked on the road"));
        NearDuplicateFilter strict = new NearDuplicateFilter(SentenceEmbedder.miniLm(),
                NearDuplicateFilter.Options.defaults().withThreshold(0.999));
        NearDuplicateFilter loose = new NearDuplicateFilter(SentenceEmbedder.miniLm(),
                NearDuplicateFilter.Options.defaults().withThreshold(0.5));

        assertThat(strict.filter(input).kept()).hasSize(2);
        assertThat(loose.filter(input).kept()).hasSize(1);
    }

    @Test
    void embedding_mode_embeds_every_caption_and_lexical_mode_only_candidates() {
        List<Caption> input = new ArrayList<>(TestData.captions());
        Caption first = input.get(0);
        input.add(new Caption("dup", first.text().replace(".", "") + " today", first.modality(), "test", ""));
        NearDuplicateFilter.Result lexical = new NearDuplicateFilter(new HashingEmbedder(),
                NearDuplicateFilter.Options.defaults().withThreshold(0.8)).filter(input);
        NearDuplicateFilter.Result embedding = new NearDuplicateFilter(new HashingEmbedder(),
                NearDuplicateFilter.Options.defaults().withThreshold(0.8).withMode(NearDuplicateFilter.Mode.EMBEDDING))
                .filter(input);

        assertThat(embedding.embedded()).isEqualTo(input.size());
        assertThat(lexical.embedded()).isLessThan(input.size());
        assertThat(lexical.kept()).extracting(Caption::id).doesNotContain("dup");
        assertThat(embedding.kept()).extracting(Caption::id).doesNotContain("dup");
    }

    @Test
    void a_threshold_outside_zero_to_one_is_rejected_with_the_value() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NearDuplicateFilter.Options.defaults().withThreshold(1.5))
                .hasMessageContaining("1.5");
    }
}
