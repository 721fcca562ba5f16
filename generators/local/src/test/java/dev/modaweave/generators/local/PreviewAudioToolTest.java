package dev.modaweave.generators.local;

import org.junit.jupiter.api.Test;

import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayInputStream;

import static org.assertj.core.api.Assertions.assertThat;

class PreviewAudioToolTest extends LocalToolContract {

    PreviewAudioToolTest() {
        super(false, PreviewAudioTool::new,
                "{\"prompt\":\"rain on a tin roof\",\"durationSeconds\":1.5}",
                "{}", "{\"prompt\":\"x\",\"durationSeconds\":0}", "{\"prompt\":\"x\",\"durationSeconds\":600}");
    }

    @Test
    void the_wav_has_the_requested_length() throws Exception {
        var result = generate(validArguments());
        try (var in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(result.bytes()))) {
            assertThat(in.getFrameLength()).isEqualTo(Math.round(1.5 * PreviewAudioTool.SAMPLE_RATE));
            assertThat(in.getFormat().getSampleRate()).isEqualTo(PreviewAudioTool.SAMPLE_RATE);
        }
        assertThat(result.attributes()).containsEntry("durationMs", 1500L);
    }

    @Test
    void different_prompts_sound_different() {
        assertThat(generate(args("{\"prompt\":\"birds at dawn\"}")).bytes())
                .isNotEqualTo(generate(args("{\"prompt\":\"a thunderstorm\"}")).bytes());
    }
}
