package dev.modaweave.generators.http.internal;

import dev.modaweave.tools.InvalidMediaException;
import dev.modaweave.tools.Modality;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MediaCheckTest {

    private static byte[] image(String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), format, out);
        return out.toByteArray();
    }

    private static byte[] mp4() {
        return new byte[] {0, 0, 0, 16, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0,
                0, 0, 0, 8, 'm', 'o', 'o', 'v'};
    }

    @Test
    void whole_png_jpeg_gif_and_mp4_files_are_accepted_with_their_media_type() throws IOException {
        assertThat(MediaCheck.require(image("png"), Modality.IMAGE, "test")).isEqualTo("image/png");
        assertThat(MediaCheck.require(image("jpeg"), Modality.IMAGE, "test")).isEqualTo("image/jpeg");
        assertThat(MediaCheck.require(image("gif"), Modality.IMAGE, "test")).isEqualTo("image/gif");
        assertThat(MediaCheck.require(mp4(), Modality.VIDEO, "test")).isEqualTo("video/mp4");
    }

    @Test
    void cut_files_are_refused_as_damaged() throws IOException {
        byte[] png = image("png");
        byte[] jpeg = image("jpeg");
        byte[] mp4 = mp4();
        assertThatThrownBy(() -> MediaCheck.require(Arrays.copyOf(png, png.length - 5), Modality.IMAGE, "test"))
                .isInstanceOf(InvalidMediaException.class).hasMessageContaining("IEND");
        assertThatThrownBy(() -> MediaCheck.require(Arrays.copyOf(jpeg, jpeg.length - 2), Modality.IMAGE, "test"))
                .hasMessageContaining("end-of-image");
        assertThatThrownBy(() -> MediaCheck.require(Arrays.copyOf(mp4, mp4.length - 3), Modality.VIDEO, "test"))
                .hasMessageContaining("a box header at byte 16 is incomplete");
        byte[] shortMoov = mp4();
        shortMoov[19] = 20;
        assertThatThrownBy(() -> MediaCheck.require(shortMoov, Modality.VIDEO, "test"))
                .hasMessageContaining("the 'moov' box needs 20 bytes but only 8 remain");
    }

    @Test
    void media_of_another_modality_and_text_are_refused_with_what_they_are() throws IOException {
        byte[] png = image("png");
        assertThatThrownBy(() -> MediaCheck.require(png, Modality.VIDEO, "ComfyUI output 'x.png'"))
                .isInstanceOf(InvalidMediaException.class)
                .hasMessage("ComfyUI output 'x.png' returned image/png where video was expected;"
                        + " check that the configured model or workflow produces video");
        assertThatThrownBy(() -> MediaCheck.require("<html>Not Found</html>".getBytes(StandardCharsets.UTF_8), Modality.IMAGE, "test"))
                .hasMessageContaining("no recognised image format").hasMessageContaining("\"<html>Not Found</html>\"");
        assertThatThrownBy(() -> MediaCheck.require(new byte[0], Modality.AUDIO, "test")).hasMessageContaining("no bytes");
    }
}
