package dev.modaweave.generators.local;

import dev.modaweave.tools.Cancellation;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.InvalidArgumentsException;
import dev.modaweave.tools.InvalidMediaException;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.generators.media.Media;
import dev.modaweave.generators.local.internal.PreviewPainter;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PreviewImageEditToolTest extends LocalToolContract {

    PreviewImageEditToolTest() {
        super(false, PreviewImageEditTool::new,
                "{\"image\":\"" + ID + "\",\"prompt\":\"make it winter\",\"strength\":0.7}",
                "{\"prompt\":\"x\"}", "{\"image\":\"../../etc/passwd\",\"prompt\":\"x\"}",
                "{\"image\":\"" + ID + "\",\"prompt\":\"x\",\"strength\":2}");
    }

    private static final byte[] SOURCE = Media.png(PreviewPainter.paint("a house on a hill", 0, 120, 80, 0));

    @Override
    protected Map<String, GenerationRequest.InputArtifact> inputs() {
        return Map.of("image", input(SOURCE, "image/png"));
    }

    @Test
    void the_edit_keeps_the_size_and_visibly_changes_the_pixels() throws IOException {
        var result = generate(validArguments());
        BufferedImage before = ImageIO.read(new ByteArrayInputStream(SOURCE));
        BufferedImage after = ImageIO.read(new ByteArrayInputStream(result.bytes()));
        assertThat(after.getWidth()).isEqualTo(before.getWidth());
        assertThat(after.getHeight()).isEqualTo(before.getHeight());
        long changed = 0;
        for (int y = 0; y < before.getHeight(); y++) {
            for (int x = 0; x < before.getWidth(); x++) {
                if (distance(before.getRGB(x, y), after.getRGB(x, y)) > 30) {
                    changed++;
                }
            }
        }
        assertThat(changed).as("pixels changed clearly").isGreaterThan(before.getWidth() * before.getHeight() / 2L);
        assertThat(PreviewImageEditTool.TRANSFORMS).contains((String) result.attributes().get("transform"));
    }

    @Test
    void different_prompts_give_different_edits() {
        assertThat(generate(args("{\"image\":\"" + ID + "\",\"prompt\":\"make it winter\"}")).bytes())
                .isNotEqualTo(generate(args("{\"image\":\"" + ID + "\",\"prompt\":\"add a sunset\"}")).bytes());
    }

    @Test
    void a_missing_input_artifact_is_an_invalid_argument() {
        var request = new GenerationRequest("job", validArguments(), Map.of(), Cancellation.create());
        assertThatThrownBy(() -> tool().generate(request, ProgressListener.NONE))
                .isInstanceOf(InvalidArgumentsException.class).hasMessageContaining(ID);
    }

    @Test
    void an_input_that_is_no_image_is_invalid_media() {
        var request = new GenerationRequest("job", validArguments(),
                Map.of("image", input("<html>".getBytes(), "image/png")), Cancellation.create());
        assertThatThrownBy(() -> tool().generate(request, ProgressListener.NONE))
                .isInstanceOf(InvalidMediaException.class).hasMessageContaining(ID);
    }

    @Test
    void an_input_larger_than_the_limit_is_refused_before_decoding() {
        byte[] huge = Media.png(new BufferedImage(2100, 4, BufferedImage.TYPE_INT_RGB));
        var request = new GenerationRequest("job", validArguments(), Map.of("image", input(huge, "image/png")), Cancellation.create());
        assertThatThrownBy(() -> tool().generate(request, ProgressListener.NONE))
                .isInstanceOf(InvalidArgumentsException.class).hasMessageContaining("2100x4");
    }

    private static int distance(int a, int b) {
        return Math.abs(((a >> 16) & 0xFF) - ((b >> 16) & 0xFF)) + Math.abs(((a >> 8) & 0xFF) - ((b >> 8) & 0xFF))
                + Math.abs((a & 0xFF) - (b & 0xFF));
    }
}
