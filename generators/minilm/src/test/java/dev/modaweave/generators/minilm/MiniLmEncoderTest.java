package dev.modaweave.generators.minilm;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MiniLmEncoderTest {

    private final MiniLmEncoder encoder = MiniLmEncoder.shared();

    @Test
    void token_states_cover_each_word_piece_of_the_text_and_come_with_the_sentence_embedding_embed_gives() {
        String text = "narrate a whimsical poem, please";

        MiniLmEncoder.TokenStates states = encoder.tokenStates(List.of(text)).get(0);

        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < states.starts().length; i++) {
            pieces.add(text.substring(states.starts()[i], states.ends()[i]));
        }
        assertThat(String.join("", pieces)).isEqualTo(text.replace(" ", ""));
        assertThat(pieces).contains("poem", ",").hasSizeGreaterThan(5);
        assertThat(states.states().length).isEqualTo(pieces.size());
        assertThat(List.of(states.states())).allSatisfy(row -> assertThat(row).hasSize(384));
        assertThat(cosine(states.sentence(), encoder.embed(List.of(text))[0])).isGreaterThan(0.9999);
    }

    @Test
    void many_texts_are_encoded_in_order_whatever_their_lengths() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            texts.add("word ".repeat(1 + (i * 7) % 13).strip());
        }

        List<MiniLmEncoder.TokenStates> states = encoder.tokenStates(texts);

        assertThat(states).hasSize(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            assertThat(states.get(i).states().length).isEqualTo(1 + (i * 7) % 13);
        }
    }

    @Test
    void the_quantized_model_agrees_with_the_full_one_on_which_captions_are_alike() {
        List<String> texts = List.of(
                "a dog runs across a grassy field",
                "A dog is running across a field of grass.",
                "a bowl of soup on a wooden table",
                "rain falling on a tin roof at night",
                "heavy rain drums on a metal roof in the dark",
                "a man speaks over crowd noise in a stadium");
        MiniLmEncoder q = MiniLmEncoder.quantized();

        float[][] full = encoder.embed(texts);
        float[][] small = q.embed(texts);

        assertThat(q.name()).isEqualTo("all-minilm-l6-v2-q");
        assertThat(encoder.name()).isEqualTo("all-minilm-l6-v2");
        for (int i = 0; i < texts.size(); i++) {
            assertThat(cosine(full[i], small[i])).as("same text, two models: %s", texts.get(i)).isGreaterThan(0.95);
            for (int j = i + 1; j < texts.size(); j++) {
                assertThat(cosine(small[i], small[j])).as("%s ~ %s", texts.get(i), texts.get(j))
                        .isCloseTo(cosine(full[i], full[j]), org.assertj.core.data.Offset.offset(0.06));
            }
        }
        assertThat(cosine(small[0], small[1])).isGreaterThan(cosine(small[0], small[2]) + 0.3);
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot;
    }
}
