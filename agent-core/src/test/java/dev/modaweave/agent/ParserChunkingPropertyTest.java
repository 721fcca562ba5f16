package dev.modaweave.agent;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any chunking of the same input gives the same events: 1-character chunks, random sizes, splits
 * inside delimiters, inside JSON strings holding {@code </meta>} look-alikes and escaped quotes, and
 * inside surrogate pairs.
 */
class ParserChunkingPropertyTest {

    private static final String[] WORDS = {
            "the", "fox", "<", "<m", "<me", "<met", "<meta", "</meta>", "{", "{Mo", "{Model", "M", "Mo", "Modal",
            "\uD83E\uDD8A", "\uD83C\uDFA8", "é", "\n", "\n", " ", "  ", "\t", "\"", "\\", "}", "Modality", ">"};

    private static final String[] BLOCKS = {
            "<meta>{\"id\":\"img1\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"a fox \\\"</meta>\\\" in snow \uD83E\uDD8A\"}}</meta>",
            "<meta>{\"task\":\"image-edit\",\"args\":{\"image\":{\"$ref\":\"img1\"},\"prompt\":\"warmer\",\"strength\":0.4}}</meta>",
            "<meta>```json\n{\"task\":\"text-to-audio\",\"args\":{\"prompt\":\"rain\"}}\n```</meta>",
            "<meta>{\"task\":\"text-to-video\",\"args\":{\"prompt\":\"waves\",},}</meta>",
            "<meta>{\"task\": nope}</meta>",
            "<meta>{\"a\":<meta>{}</meta>}</meta>",
            "<meta>{\"task\":\"text-to-image\",\"args\":{\"prompt\":\"unterminated</meta> string}}</meta>",
            "\nModality: [IMAGE] Prompt: a lighthouse at dusk \uD83C\uDF05\n",
            "\nModality: [VIDEO] Prompt: \n",
            "Sure! Modality: [IMAGE] Prompt: a red kite\n",
            "the Modality: of it ",
            "{Model: \"T-to-A\", Input: \"a dog barking \\\"loudly\\\" {far}\"}",
            "{ \"Model\" : \"T-to-I\", \"Input\": \"a cat\"}",
            "{Model: \"T-to-X\", Input: \"?\"}",
    };

    static String randomTranscript(Random random, int pieces) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < pieces; k++) {
            if (random.nextInt(5) == 0) {
                sb.append(BLOCKS[random.nextInt(BLOCKS.length)]);
            } else {
                sb.append(WORDS[random.nextInt(WORDS.length)]);
                if (random.nextBoolean()) {
                    sb.append(' ');
                }
            }
        }
        if (random.nextInt(4) == 0) {
            sb.append("<meta>{\"task\":\"text-to-image\",\"args\":{\"prompt\":\"cut off");
        }
        return sb.toString();
    }

    @RepeatedTest(300)
    void every_chunking_of_the_same_text_gives_the_same_events(RepetitionInfo repetition) {
        Random random = new Random(repetition.getCurrentRepetition() * 7919L);
        String text = randomTranscript(random, 5 + random.nextInt(60));
        var whole = ParserProperties.run(List.of(text));

        assertThat(ParserProperties.reconstruct(whole.events())).as("nothing lost or invented").isEqualTo(text);
        for (List<String> chunks : List.of(
                ParserProperties.fixedChunks(text, 1),
                ParserProperties.fixedChunks(text, 2),
                ParserProperties.fixedChunks(text, 7),
                ParserProperties.randomChunks(text, random, 3),
                ParserProperties.randomChunks(text, random, 40))) {
            var result = ParserProperties.run(chunks);
            assertThat(result.events()).as("events for chunking %s of %s", chunks.size(), text).isEqualTo(whole.events());
            for (String piece : result.textPieces()) {
                assertThat(Character.isHighSurrogate(piece.charAt(piece.length() - 1))).as("piece ends inside a pair: %s", piece).isFalse();
                assertThat(Character.isLowSurrogate(piece.charAt(0))).as("piece starts inside a pair: %s", piece).isFalse();
            }
        }
    }

    @Test
    void the_block_corpus_yields_the_expected_kinds_of_events() {
        var events = ParserProperties.run(List.of(String.join(" ", BLOCKS))).events();
        long metas = events.stream().filter(ParseEvent.Meta.class::isInstance).count();
        long malformed = events.stream().filter(ParseEvent.Malformed.class::isInstance).count();
        assertThat(metas).isEqualTo(8);
        assertThat(malformed).isEqualTo(5);
    }
}
