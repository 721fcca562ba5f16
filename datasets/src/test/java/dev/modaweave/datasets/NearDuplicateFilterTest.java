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
        NearDuplicateFilter.Result lexical = new NearDuplicateFilter(SentenceEmbedder.miniLm(),
                loose.withMode(NearDuplicateFilter.Mode.LEXICAL)).filter(input);

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
                NearDuplicateFilter.Options.defaults().withThreshold(0.8).withMode(NearDuplicateFilter.Mode.LEXICAL)).filter(input);
        NearDuplicateFilter.Result embedding = new NearDuplicateFilter(new HashingEmbedder(),
                NearDuplicateFilter.Options.defaults().withThreshold(0.8).withMode(NearDuplicateFilter.Mode.EMBEDDING))
                .filter(input);

        assertThat(embedding.embedded()).isEqualTo(input.size());
        assertThat(lexical.embedded()).isLessThan(input.size());
        assertThat(lexical.kept()).extracting(Caption::id).doesNotContain("dup");
        assertThat(embedding.kept()).extracting(Caption::id).doesNotContain("dup");
    }

    @Test
    void embedding_mode_finds_what_exact_search_finds_on_thousands_of_captions() {
        // Clusters of paraphrases: a base caption and variants of it, among unrelated captions, enough of them
        // that the hyperplanes pass through the captions' mean.
        String[] subjects = {"dog", "cat", "horse", "child", "woman", "man", "bird", "boat", "car", "train", "cow", "bus"};
        String[] actions = {"runs across", "sits beside", "walks along", "rests near", "jumps over", "stands on"};
        String[] places = {"a grassy field", "a sandy beach", "a busy street", "a wooden bridge", "a snowy hill",
                "a quiet lake", "an old barn", "a city park", "a stone wall", "a red door"};
        List<Caption> input = new ArrayList<>();
        for (String subject : subjects) {
            for (String action : actions) {
                for (String place : places) {
                    String base = "a " + subject + " " + action + " " + place;
                    input.add(image("c" + input.size(), base));
                    input.add(image("c" + input.size(), base + " on a sunny day"));
                    input.add(image("c" + input.size(), "close-up of " + base));
                }
            }
        }
        assertThat(input.size()).isGreaterThan(NearDuplicateFilter.MIN_CENTRED);
        NearDuplicateFilter.Options options = NearDuplicateFilter.Options.defaults();
        float[][] vectors = SentenceEmbedder.miniLmQuantized().embed(input.stream().map(Caption::text).toList());
        java.util.Map<String, float[]> byText = new java.util.HashMap<>();
        for (int i = 0; i < input.size(); i++) {
            byText.put(input.get(i).text(), vectors[i]);
        }
        SentenceEmbedder same = texts -> texts.stream().map(byText::get).toArray(float[][]::new);

        NearDuplicateFilter.Result exact = new NearDuplicateFilter(same, options.withMode(NearDuplicateFilter.Mode.ALL_PAIRS))
                .filter(input);
        NearDuplicateFilter.Result hashed = new NearDuplicateFilter(same, options).filter(input);

        assertThat(exact.nearDuplicates()).isGreaterThan(200);
        java.util.Set<String> keptExact = new java.util.HashSet<>();
        exact.kept().forEach(c -> keptExact.add(c.id()));
        long agree = hashed.kept().stream().filter(c -> keptExact.contains(c.id())).count();
        assertThat((double) agree / exact.kept().size()).isGreaterThan(0.97);
        assertThat(hashed.nearDuplicates()).isBetween((int) (exact.nearDuplicates() * 0.95), exact.nearDuplicates());
        assertThat(hashed.comparisons()).isLessThan(exact.comparisons() / 4);
    }

    @Test
    void the_eight_bit_model_is_the_default_of_the_builder_and_agrees_with_the_full_one() {
        List<String> texts = List.of("A man riding a wave on top of a surfboard.", "A man is riding a wave on top of a surfboard.",
                "A plate of food with broccoli and rice.");
        float[][] full = SentenceEmbedder.miniLm().embed(texts);
        float[][] small = SentenceEmbedder.named("minilm-q").embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(SentenceEmbedder.cosine(full[i], small[i])).isGreaterThan(0.95);
        }
        assertThat(SentenceEmbedder.cosine(small[0], small[1])).isGreaterThan(0.92);
        assertThat(SentenceEmbedder.cosine(small[0], small[2])).isLessThan(0.5);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SentenceEmbedder.named("bert"))
                .hasMessageContaining("unknown embedder 'bert'").hasMessageContaining("minilm-q");
    }

    @Test
    void a_threshold_outside_zero_to_one_is_rejected_with_the_value() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NearDuplicateFilter.Options.defaults().withThreshold(1.5))
                .hasMessageContaining("1.5");
    }
}
