package dev.modaweave.generators.local;

import dev.modaweave.generators.local.internal.OfflineReaders;
import dev.modaweave.generators.media.Media;
import dev.modaweave.tools.GenerationRequest;
import org.junit.jupiter.api.Test;

import javax.sound.sampled.AudioFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DescribeAudioToolTest extends DescribeToolContract {

    DescribeAudioToolTest() {
        super(DescribeAudioTool::new, "audio", "audio/wav", DescribeAudioToolTest::toneThenSilence,
                "{}", "{\"audio\":7}");
    }

    /** A recording of a person saying "go forward ten meters", shipped by Debian's pocketsphinx-testdata. */
    static final Path SPOKEN = Path.of("/usr/share/pocketsphinx/test/data/goforward.raw");

    /** One second of a 440 Hz tone at half scale, then one second of silence, 16 kHz mono (exactly twenty 50 ms windows each). */
    static byte[] toneThenSilence() {
        float[] samples = new float[32_000];
        for (int i = 0; i < 16_000; i++) {
            samples[i] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * i / 16_000.0));
        }
        return Media.wav(samples, 16_000);
    }

    @Test
    void duration_and_loudness_are_measured() {
        String text = new String(generate(validArguments()).bytes(), StandardCharsets.UTF_8);
        // a sine at half scale has an RMS of 0.354 (-9 dBFS); averaged with a second of silence, -12 dBFS
        assertThat(text).startsWith("Offline description").contains("2.0 s of mono audio at 16000 Hz")
                .contains("RMS level -12 dBFS (peak -6 dBFS)").contains("50 % near-silent");
    }

    @Test
    void speech_is_transcribed_offline_where_pocketsphinx_is_installed() throws IOException {
        boolean ready = OfflineReaders.canTranscribe() && Files.isRegularFile(SPOKEN);
        if (!"true".equals(System.getenv("CI"))) {
            assumeTrue(ready, "pocketsphinx or its test recording is missing (Debian packages pocketsphinx pocketsphinx-en-us "
                    + "pocketsphinx-testdata); offline transcription is not tested");
        }
        assertThat(ready).as("pocketsphinx, pocketsphinx-en-us and pocketsphinx-testdata are required when CI=true").isTrue();
        byte[] wav = Media.wav(Files.readAllBytes(SPOKEN), new AudioFormat(16_000, 16, 1, true, false));
        var request = new GenerationRequest("job", validArguments(),
                Map.of("audio", input(wav, "audio/wav")), dev.modaweave.tools.Cancellation.create());
        String text = new String(tool().generate(request, dev.modaweave.tools.ProgressListener.NONE).bytes(), StandardCharsets.UTF_8);
        assertThat(text).contains("Speech transcribed offline (pocketsphinx").contains("go forward ten meters");
    }
}
