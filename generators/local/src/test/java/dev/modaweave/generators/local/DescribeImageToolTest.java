package dev.modaweave.generators.local;

import dev.modaweave.generators.local.internal.OfflineReaders;
import dev.modaweave.generators.media.Media;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.InvalidMediaException;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.Font;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DescribeImageToolTest extends DescribeToolContract {

    DescribeImageToolTest() {
        super(DescribeImageTool::new, "image", "image/png", DescribeImageToolTest::sign,
                "{}", "{\"image\":\"/etc/passwd\"}", "{\"image\":\"" + ID + "\",\"colour\":1}");
    }

    /** A dark blue sign with white capitals, 400×120. */
    static byte[] sign() {
        BufferedImage image = new BufferedImage(400, 120, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(new Color(15, 25, 90));
        g.fillRect(0, 0, 400, 120);
        g.setColor(Color.WHITE);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 44));
        g.drawString("OPEN ALL DAY", 24, 78);
        g.dispose();
        return Media.png(image);
    }

    @Test
    void the_description_is_labelled_and_states_size_and_colours() {
        String text = new String(generate(validArguments()).bytes(), StandardCharsets.UTF_8);
        assertThat(text).startsWith("Offline description (measured; no captioning model is configured):")
                .contains("400×120 picture", "dark blue").contains("unknown without a captioning model");
    }

    @Test
    void text_in_the_picture_is_read_by_tesseract_where_installed() {
        boolean ci = "true".equals(System.getenv("CI"));
        if (!ci) {
            assumeTrue(OfflineReaders.canReadText(), "tesseract is not installed (Debian package tesseract-ocr); OCR is not tested");
        }
        assertThat(OfflineReaders.canReadText()).as("tesseract (Debian package tesseract-ocr) is required when CI=true").isTrue();
        String text = new String(generate(validArguments()).bytes(), StandardCharsets.UTF_8);
        assertThat(text).contains("Text read in it by OCR (tesseract)").containsIgnoringCase("OPEN ALL DAY");
    }

    @Test
    void bytes_that_are_no_picture_get_a_typed_error() {
        var request = new GenerationRequest("job", validArguments(),
                Map.of("image", input("not a picture".getBytes(StandardCharsets.UTF_8), "image/png")), dev.modaweave.tools.Cancellation.create());
        assertThatThrownBy(() -> tool().generate(request, dev.modaweave.tools.ProgressListener.NONE))
                .isInstanceOf(InvalidMediaException.class).hasMessageContaining("is not a PNG, JPEG, GIF or BMP");
    }
}
