package dev.modaweave.app;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code generate} with a configured {@code diffusion} backend runs the tiny latent-diffusion pipelines into PNG, WAV and video files,
 * and {@code bench diffusion} prints one line per pipeline and scheduler.
 */
@Timeout(300)
class DiffusionCommandsTest {

    private static final Path TINY = Path.of("..", "generators", "diffusion", "src", "test", "resources", "tiny");

    @TempDir
    Path out;

    @TempDir
    Path configDir;

    /** Runs {@code generate} with a configuration whose one backend is the tiny spec's diffusion tool. */
    private JsonObject generate(String spec, String args) throws java.io.IOException {
        Path config = configDir.resolve(spec + ".yaml");
        Files.writeString(config, "tools:\n  backends:\n    - backend: diffusion\n      name: " + spec + "\n      spec: "
                + TINY.resolve(spec + ".json").toAbsolutePath() + "\n");
        CliRunner.Result result = CliRunner.run("generate", "--config", config.toString(),
                "--tool", spec, "--args", args, "--out", out.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        return new JsonObject(result.out().strip());
    }

    @Test
    void generate_writes_an_image_a_wav_and_a_video_from_the_tiny_specs() throws Exception {
        JsonObject image = generate("sd-tiny", "{\"prompt\":\"a red fox\",\"steps\":4}");
        JsonObject audio = generate("audioldm-tiny", "{\"prompt\":\"birds singing\",\"steps\":4}");
        JsonObject video = generate("video-tiny", "{\"prompt\":\"waves at sunset\",\"steps\":4}");
        assertThat(image.getString("mimeType")).isEqualTo("image/png");
        assertThat(audio.getString("mimeType")).isEqualTo("audio/wav");
        assertThat(video.getString("mimeType")).isIn("video/mp4", "image/gif");
        for (JsonObject written : List.of(image, audio, video)) {
            assertThat(Files.size(Path.of(written.getString("path")))).isPositive();
        }
        assertThat(image.getJsonObject("attributes").getInteger("width")).isEqualTo(32);
        assertThat(audio.getJsonObject("attributes").getInteger("sampleRate")).isEqualTo(16000);
    }

    @Test
    void bench_diffusion_prints_a_line_per_scheduler_with_its_ratio() {
        CliRunner.Result result = CliRunner.run("bench", "diffusion", "--spec", TINY.resolve("sd-tiny.json").toString(),
                "--steps", "2", "--iterations", "1", "--warmup", "0");
        assertThat(result.exitCode()).as(result.err()).isZero();
        List<String> lines = result.out().strip().lines().toList();
        assertThat(lines).hasSize(4);
        for (String l : lines) {
            JsonObject line = new JsonObject(l);
            assertThat(line.getString("pipeline")).isEqualTo("text-to-image");
            assertThat(line.getMap()).containsKeys("scheduler", "steps", "ms_per_step", "component_ms_per_step", "ratio");
            assertThat(line.getDouble("ratio")).isGreaterThanOrEqualTo(1.0);
        }
        assertThat(lines.stream().map(l -> new JsonObject(l).getString("scheduler")))
                .containsExactly("ddim", "euler", "euler-ancestral", "lcm");
    }
}
