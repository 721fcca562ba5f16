package dev.modaweave.generators.local;

import dev.modaweave.generators.media.Executables;
import dev.modaweave.tools.InvalidArgumentsException;
import dev.modaweave.tools.testing.RequiresProgram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contract and espeak-ng specifics; skipped on machines without espeak-ng (required when {@code CI=true}). */
@RequiresProgram(value = "espeak-ng", debianPackage = "espeak-ng")
class EspeakSpeechToolTest extends LocalToolContract {

    EspeakSpeechToolTest() {
        super(true, () -> LocalSpeechTool.espeak(Executables.find("espeak-ng").orElseThrow(), Duration.ofSeconds(60)),
                "{\"text\":\"Hello from Modaweave.\",\"voice\":\"en-us\",\"rate\":180}",
                "{}", "{\"text\":\"\"}", "{\"text\":\"hi\",\"voice\":\"--help\"}",
                "{\"text\":\"hi\",\"voice\":\"en; rm -rf /\"}", "{\"text\":\"hi\",\"rate\":5}", "{\"text\":\"hi\",\"speed\":100}");
    }

    @Test
    void the_engine_is_espeak() {
        assertThat(((LocalSpeechTool) tool()).engine()).isEqualTo("espeak-ng");
        assertThat(generate(validArguments()).attributes()).containsEntry("engine", "espeak-ng").containsKey("durationMs");
    }

    @Test
    void an_unknown_voice_is_an_invalid_argument_that_names_it() {
        assertThatThrownBy(() -> generate(args("{\"text\":\"hi\",\"voice\":\"zz-zz\"}")))
                .isInstanceOf(InvalidArgumentsException.class)
                .hasMessageContaining("zz-zz").hasMessageContaining("espeak-ng --voices");
    }

    @Test
    void shell_syntax_in_the_text_is_spoken_not_run(@TempDir Path dir) {
        Path marker = dir.resolve("pwned");
        var result = generate(args("{\"text\":\"$(touch " + marker + "); `touch " + marker + "` && touch " + marker + "\"}"));
        assertThat(result.bytes()).isNotEmpty();
        assertThat(Files.exists(marker)).isFalse();
    }

    @Test
    void a_faster_rate_gives_shorter_speech() {
        var slow = generate(args("{\"text\":\"one two three four five six\",\"rate\":100}"));
        var fast = generate(args("{\"text\":\"one two three four five six\",\"rate\":400}"));
        assertThat(((Number) fast.attributes().get("durationMs")).longValue())
                .isLessThan(((Number) slow.attributes().get("durationMs")).longValue());
    }
}
