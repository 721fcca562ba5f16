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

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot;
    }
}
