package dev.modaweave.app.planner;

import dev.modaweave.datasets.SentenceEmbedder;
import dev.modaweave.generators.minilm.MiniLmEncoder;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MiniLmFeaturesTest {

    private final MiniLmEncoder encoder = MiniLmEncoder.shared();
    private final MiniLmFeatures features = new MiniLmFeatures(encoder);

    @Test
    void each_word_reads_the_mean_state_of_its_word_pieces_and_marker_words_read_zeros() {
        MiniLmFeatures.Features f = features.of(List.of("<has:image>", "narrate", "it"));

        MiniLmEncoder.TokenStates states = encoder.tokenStates(List.of("narrate it")).get(0);
        int narratePieces = states.states().length - 1;
        assertThat(narratePieces).isGreaterThan(1);
        float[] mean = new float[MiniLmFeatures.WIDTH];
        for (int p = 0; p < narratePieces; p++) {
            for (int d = 0; d < mean.length; d++) {
                mean[d] += states.states()[p][d] / narratePieces;
            }
        }
        assertThat(f.tokens()).hasSize(3 * MiniLmFeatures.WIDTH);
        assertThat(Arrays.copyOfRange(f.tokens(), 0, MiniLmFeatures.WIDTH)).containsOnly(0f);
        float[] narrate = Arrays.copyOfRange(f.tokens(), MiniLmFeatures.WIDTH, 2 * MiniLmFeatures.WIDTH);
        for (int d = 0; d < mean.length; d++) {
            assertThat(narrate[d]).isCloseTo(mean[d], within(1e-4f));
        }
        assertThat(Arrays.copyOfRange(f.tokens(), 2 * MiniLmFeatures.WIDTH, 3 * MiniLmFeatures.WIDTH))
                .containsExactly(states.states()[narratePieces]);
    }

    @Test
    void the_sentence_embedding_is_that_of_the_request_as_typed() {
        String request = "Hello, how are you?";
        List<String> words = Tokens.tokenize(request).stream().map(Tokens.Token::lower).toList();

        MiniLmFeatures.Features f = features.of(words);

        assertThat(SentenceEmbedder.cosine(f.sentence(), encoder.embed(List.of(request))[0])).isGreaterThan(0.9999);
    }
}
