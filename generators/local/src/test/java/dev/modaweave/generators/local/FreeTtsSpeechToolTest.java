package dev.modaweave.generators.local;

import dev.modaweave.tools.InvalidArgumentsException;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contract for the pure-Java fallback, which runs on every machine. */
class FreeTtsSpeechToolTest extends LocalToolContract {

    FreeTtsSpeechToolTest() {
        super(true, LocalSpeechTool::freeTts,
                "{\"text\":\"Hello from Modaweave.\",\"rate\":160}",
                "{}", "{\"text\":7}", "{\"text\":\"hi\",\"voice\":\"-x\"}", "{\"text\":\"hi\",\"pitch\":100}");
    }

    @Test
    void speech_comes_from_the_kevin16_voice_at_16_khz() {
        var result = generate(validArguments());
        assertThat(result.attributes()).containsEntry("engine", "freetts").containsEntry("voice", "kevin16")
                .containsEntry("sampleRate", 16000);
        assertThat(((Number) result.attributes().get("durationMs")).longValue()).isGreaterThan(300);
    }

    @Test
    void a_non_english_voice_is_refused_with_a_hint_to_install_espeak() {
        assertThatThrownBy(() -> generate(args("{\"text\":\"Hallo\",\"voice\":\"de\"}")))
                .isInstanceOf(InvalidArgumentsException.class)
                .hasMessageContaining("'de'").hasMessageContaining("espeak-ng");
    }

    @Test
    void different_texts_give_different_audio() {
        assertThat(generate(args("{\"text\":\"a red fox\"}")).bytes())
                .isNotEqualTo(generate(args("{\"text\":\"a blue whale\"}")).bytes());
    }
}
