package dev.modaweave.agent;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Random bytes and delimiter-heavy noise never make the parser throw, lose text or depend on chunking. */
class ParserFuzzTest {

    private static final String ALPHABET = "<>/meta{}\":,[]\\ \nModality:PromptIMAGEModelT-to-I\u00e9\uD83D\uDE00`json";

    @RepeatedTest(200)
    void random_input_keeps_every_invariant(RepetitionInfo repetition) {
        Random random = new Random(repetition.getCurrentRepetition() * 104_729L);
        String text;
        if (random.nextBoolean()) {
            byte[] bytes = new byte[random.nextInt(3000)];
            random.nextBytes(bytes);
            text = new String(bytes, StandardCharsets.UTF_8);
        } else {
            StringBuilder sb = new StringBuilder();
            int n = random.nextInt(3000);
            for (int k = 0; k < n; k++) {
                sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            text = sb.toString();
        }
        var whole = ParserProperties.run(List.of(text));
        assertThat(ParserProperties.reconstruct(whole.events())).isEqualTo(text);
        var chunked = ParserProperties.run(ParserProperties.randomChunks(text, random, 9));
        assertThat(chunked.events()).isEqualTo(whole.events());
        var single = ParserProperties.run(ParserProperties.fixedChunks(text, 1));
        assertThat(single.events()).isEqualTo(whole.events());
    }
}
