package dev.modaweave.tools;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MediaTypesTest {

    private static byte[] encode(String format) throws IOException {
        var out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), format, out);
        return out.toByteArray();
    }

    private static byte[] ascii(String text, int padTo) {
        byte[] b = new byte[Math.max(padTo, text.length())];
        byte[] t = text.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(t, 0, b, 0, t.length);
        return b;
    }

    @Test
    void images_written_by_imageio_are_recognised() throws IOException {
        assertThat(MediaTypes.sniff(encode("png"))).contains("image/png");
        assertThat(MediaTypes.sniff(encode("jpeg"))).contains("image/jpeg");
        assertThat(MediaTypes.sniff(encode("gif"))).contains("image/gif");
        assertThat(MediaTypes.sniff(encode("bmp"))).contains("image/bmp");
    }

    @Test
    void riff_containers_are_told_apart_by_their_form_type() {
        assertThat(MediaTypes.sniff(ascii("RIFF\0\0\0\0WAVEfmt ", 16))).contains("audio/wav");
        assertThat(MediaTypes.sniff(ascii("RIFF\0\0\0\0WEBPVP8 ", 16))).contains("image/webp");
    }

    @Test
    void iso_media_brands_decide_between_video_and_audio() {
        assertThat(MediaTypes.sniff(ascii("\0\0\0\u0020ftypisom", 16))).contains("video/mp4");
        assertThat(MediaTypes.sniff(ascii("\0\0\0\u0020ftypM4A ", 16))).contains("audio/mp4");
        assertThat(MediaTypes.matches(ascii("\0\0\0\u0020ftypisom", 16), "audio/mp4")).isTrue();
    }

    @Test
    void unknown_bytes_are_not_recognised() {
        assertThat(MediaTypes.sniff("<html>oops</html>".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(MediaTypes.sniff(new byte[0])).isEmpty();
    }

    @Test
    void aliases_and_parameters_are_normalised() {
        assertThat(MediaTypes.normalize("Audio/X-WAV; codecs=1")).isEqualTo("audio/wav");
        assertThat(MediaTypes.normalize("image/jpg")).isEqualTo("image/jpeg");
        assertThat(MediaTypes.matches(ascii("RIFF\0\0\0\0WAVE", 12), "audio/wave")).isTrue();
    }

    @Test
    void a_mismatch_names_both_the_claimed_and_the_found_type() throws IOException {
        byte[] png = encode("png");
        assertThatThrownBy(() -> MediaTypes.requireMatches(png, "video/mp4"))
                .isInstanceOf(InvalidMediaException.class)
                .hasMessageContaining("video/mp4").hasMessageContaining("image/png");
        assertThat(MediaTypes.requireMatches(png, "image/png")).isEqualTo("image/png");
    }

    @Test
    void unrecognised_bytes_are_reported_with_their_first_bytes() {
        assertThatThrownBy(() -> MediaTypes.requireMatches("<html>".getBytes(StandardCharsets.UTF_8), "image/png"))
                .isInstanceOf(InvalidMediaException.class)
                .hasMessageContaining("0x3c68746d6c3e");
        assertThatThrownBy(() -> MediaTypes.requireMatches(new byte[0], "image/png"))
                .isInstanceOf(InvalidMediaException.class).hasMessageContaining("no bytes");
    }

    @Test
    void media_types_have_one_extension_and_one_modality() {
        org.assertj.core.api.Assertions.assertThat(MediaTypes.extension("image/png")).isEqualTo("png");
        org.assertj.core.api.Assertions.assertThat(MediaTypes.extension("audio/x-wav")).isEqualTo("wav");
        org.assertj.core.api.Assertions.assertThat(MediaTypes.extension("application/x-unknown")).isEqualTo("bin");
        org.assertj.core.api.Assertions.assertThat(Modality.ofMimeType("video/mp4")).isEqualTo(Modality.VIDEO);
        org.assertj.core.api.Assertions.assertThat(Modality.ofMimeType("text/plain")).isEqualTo(Modality.TEXT);
        org.assertj.core.api.Assertions.assertThat(Modality.ofMimeType("garbage")).isEqualTo(Modality.TEXT);
    }
}
