package dev.modaweave.generators.http;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/** Small, real media made in test code: PNG through ImageIO, WAV with a RIFF header, a minimal MP4 box sequence. */
final class TestMedia {

    private TestMedia() {
    }

    static byte[] png(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, new Color((x * 255) / width, (y * 255) / height, 128).getRGB());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String pngBase64(int width, int height) {
        return Base64.getEncoder().encodeToString(png(width, height));
    }

    /** 16-bit mono PCM WAV with a 440 Hz tone. */
    static byte[] wav(int millis) {
        int rate = 8000;
        int samples = rate * millis / 1000;
        ByteBuffer b = ByteBuffer.allocate(44 + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + samples * 2).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(samples * 2);
        for (int i = 0; i < samples; i++) {
            b.putShort((short) (Math.sin(2 * Math.PI * 440 * i / rate) * 8000));
        }
        return b.array();
    }

    /** An ISO base media file: {@code ftyp}, {@code moov} holding an {@code mvhd}, and an empty {@code mdat}. */
    static byte[] mp4() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(box("ftyp", concat(ascii("isom"), int32(0x200), ascii("isom"), ascii("iso2"), ascii("mp41"))));
        byte[] mvhd = new byte[100];
        ByteBuffer.wrap(mvhd).putInt(0).putInt(0).putInt(0).putInt(1000).putInt(1000).putInt(0x00010000).putShort((short) 0x0100);
        out.writeBytes(box("moov", box("mvhd", mvhd)));
        out.writeBytes(box("mdat", new byte[16]));
        return out.toByteArray();
    }

    static byte[] truncated(byte[] media) {
        return Arrays.copyOf(media, media.length * 2 / 3);
    }

    private static byte[] box(String type, byte[] payload) {
        return concat(int32(8 + payload.length), ascii(type), payload);
    }

    private static byte[] int32(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
