package dev.modaweave.generators.diffusion.internal;

import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Pad ids and lengths come from tokenizer_config.json, never from a guess. */
class PromptTokenizerTest {

    private static Path tiny(String dir) throws URISyntaxException {
        return Path.of(PromptTokenizerTest.class.getResource("/tiny/" + dir + "/tokenizer/tokenizer.json").toURI()).getParent();
    }

    @Test
    void a_clip_style_tokenizer_pads_with_its_end_token() throws URISyntaxException {
        try (PromptTokenizer tokenizer = PromptTokenizer.load(tiny("sd"))) {
            PromptTokenizer.Tokens tokens = tokenizer.encode("A red fox");
            // vocabulary: 45 words (a = 0, red = 9, fox = 15), then <unk> 45, <|startoftext|> 46, <|endoftext|> 47 (also the pad token)
            assertThat(tokens.ids()).hasSize(16).startsWith(46, 0, 9, 15, 47);
            assertThat(tokens.ids()[5]).isEqualTo(47);
            assertThat(tokens.ids()[15]).isEqualTo(47);
            assertThat(tokens.mask()).startsWith(1, 1, 1, 1, 1, 0);
        }
    }

    @Test
    void a_roberta_style_tokenizer_pads_with_its_pad_token() throws URISyntaxException {
        try (PromptTokenizer tokenizer = PromptTokenizer.load(tiny("audio"))) {
            PromptTokenizer.Tokens tokens = tokenizer.encode("birds singing");
            assertThat(tokens.ids()).startsWith(0, 41, 42, 2, 1);
            assertThat(tokens.ids()[15]).isEqualTo(1);
        }
    }

    @Test
    void a_long_prompt_is_truncated_keeping_the_end_token() throws URISyntaxException {
        try (PromptTokenizer tokenizer = PromptTokenizer.load(tiny("sd"))) {
            PromptTokenizer.Tokens tokens = tokenizer.encode("fox ".repeat(40));
            assertThat(tokens.ids()).hasSize(16);
            assertThat(tokens.ids()[0]).isEqualTo(46);
            assertThat(tokens.ids()[15]).isEqualTo(47);
            assertThat(tokens.mask()).containsOnly(1);
        }
    }
}
