package dev.modaweave.generators.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.generators.media.Executables;
import dev.modaweave.tools.MediaTypes;
import dev.modaweave.tools.testing.RequiresProgram;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The video preview both ways: MP4 through ffmpeg (skipped without it unless {@code CI=true}) and the JDK's animated GIF. */
class PreviewVideoToolTest {

    static final String VALID_JSON = "{\"prompt\":\"waves rolling onto a beach at sunset\",\"frames\":6,\"fps\":6,\"width\":96,\"height\":64}";
    static final ObjectNode VALID = (ObjectNode) dev.modaweave.tools.Json.parse(VALID_JSON);

    /** The contract over {@link #VALID_JSON}, for a tool with or without ffmpeg. */
    abstract static class VideoContract extends LocalToolContract {

        /** @param ffmpeg the ffmpeg program the tool uses, or null for the GIF fallback */
        VideoContract(Supplier<Path> ffmpeg) {
            super(true, () -> new PreviewVideoTool(ffmpeg.get(), Duration.ofMinutes(2)), VALID_JSON,
                    "{}", "{\"prompt\":\"x\",\"width\":97}", "{\"prompt\":\"x\",\"frames\":1000}");
        }
    }

    @Nested
    @RequiresProgram(value = "ffmpeg", debianPackage = "ffmpeg")
    class WithFfmpeg extends VideoContract {

        WithFfmpeg() {
            super(() -> Executables.find("ffmpeg").orElseThrow());
        }

        @Test
        void the_video_is_an_mp4() {
            var result = generate(validArguments());
            assertThat(result.mimeType()).isEqualTo("video/mp4");
            assertThat(MediaTypes.sniff(result.bytes())).contains("video/mp4");
            assertThat(result.attributes()).containsEntry("frames", 6).containsEntry("durationMs", 1000L);
        }

        @Test
        void different_prompts_give_different_videos() {
            ObjectNode other = VALID.deepCopy().put("prompt", "a city street at night");
            assertThat(generate(other).bytes()).isNotEqualTo(generate(VALID).bytes());
        }
    }

    @Nested
    class WithoutFfmpeg extends VideoContract {

        WithoutFfmpeg() {
            super(() -> null);
        }

        @Test
        void the_video_is_an_animated_gif_with_every_frame() throws Exception {
            var result = generate(validArguments());
            assertThat(result.mimeType()).isEqualTo("image/gif");
            var reader = ImageIO.getImageReadersByFormatName("gif").next();
            try (var in = ImageIO.createImageInputStream(new ByteArrayInputStream(result.bytes()))) {
                reader.setInput(in);
                assertThat(reader.getNumImages(true)).isEqualTo(6);
            } finally {
                reader.dispose();
            }
        }
    }
}
