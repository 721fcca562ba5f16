package dev.modaweave.generators.media;

import dev.modaweave.tools.Cancellation;
import dev.modaweave.tools.NonRetriableToolException;
import dev.modaweave.tools.ProgressListener;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Media encoders for generator tools: PNG, animated GIF and 16-bit PCM WAV with the JDK alone,
 * and H.264 MP4 through an {@code ffmpeg} executable fed raw RGB frames on its standard input.
 */
public final class Media {

    private Media() {
    }

    /** Encodes an image as PNG. */
    public static byte[] png(BufferedImage image) {
        var out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new NonRetriableToolException("this JVM has no PNG writer; use a full JDK (java.desktop)");
            }
        } catch (IOException e) {
            throw new NonRetriableToolException("could not encode PNG: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** Encodes frames as a looping animated GIF, {@code delayMs} per frame. */
    public static byte[] animatedGif(List<BufferedImage> frames, int delayMs) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        var out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.prepareWriteSequence(null);
            for (BufferedImage frame : frames) {
                IIOMetadata metadata = writer.getDefaultImageMetadata(
                        ImageTypeSpecifier.createFromRenderedImage(frame), writer.getDefaultWriteParam());
                String format = metadata.getNativeMetadataFormatName();
                IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(format);
                IIOMetadataNode control = child(root, "GraphicControlExtension");
                control.setAttribute("disposalMethod", "none");
                control.setAttribute("userInputFlag", "FALSE");
                control.setAttribute("transparentColorFlag", "FALSE");
                control.setAttribute("delayTime", Integer.toString(Math.max(1, delayMs / 10)));
                control.setAttribute("transparentColorIndex", "0");
                IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
                app.setAttribute("applicationID", "NETSCAPE");
                app.setAttribute("authenticationCode", "2.0");
                app.setUserObject(new byte[]{1, 0, 0});
                child(root, "ApplicationExtensions").appendChild(app);
                metadata.setFromTree(format, root);
                writer.writeToSequence(new IIOImage(frame, null, metadata), null);
            }
            writer.endWriteSequence();
        } catch (IOException e) {
            throw new NonRetriableToolException("could not encode GIF: " + e.getMessage(), e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** Encodes mono samples in -1..1 as 16-bit little-endian PCM WAV. */
    public static byte[] wav(float[] samples, int sampleRate) {
        byte[] pcm = new byte[samples.length * 2];
        for (int i = 0; i < samples.length; i++) {
            int v = Math.round(Math.max(-1f, Math.min(1f, samples[i])) * 32767f);
            pcm[2 * i] = (byte) v;
            pcm[2 * i + 1] = (byte) (v >> 8);
        }
        return wav(pcm, new AudioFormat(sampleRate, 16, 1, true, false));
    }

    /** Wraps raw PCM in a WAV container. */
    public static byte[] wav(byte[] pcm, AudioFormat format) {
        var out = new ByteArrayOutputStream();
        try (var in = new AudioInputStream(new ByteArrayInputStream(pcm), format, pcm.length / format.getFrameSize())) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, out);
        } catch (IOException e) {
            throw new NonRetriableToolException("could not encode WAV: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /**
     * Encodes frames as H.264 MP4 ({@code yuv420p}, {@code +faststart}) with {@code ffmpeg}. Frames
     * are produced one at a time by {@code frameAt} and piped as raw RGB, so a long video never sits
     * in memory; progress is reported per frame, and cancellation or the time limit kill ffmpeg.
     *
     * @param width  even, like {@code height} (yuv420p needs it)
     * @throws NonRetriableToolException when ffmpeg fails, quoting its error output
     */
    public static byte[] mp4(Path ffmpeg, int width, int height, int fps, int frames, IntFunction<BufferedImage> frameAt,
                             Duration timeout, Cancellation cancellation, ProgressListener progress) {
        Path output;
        try {
            output = Files.createTempFile("modaweave-video", ".mp4");
        } catch (IOException e) {
            throw new NonRetriableToolException("cannot create a temporary file for ffmpeg's output: " + e.getMessage(), e);
        }
        List<String> command = List.of(ffmpeg.toString(), "-hide_banner", "-loglevel", "error",
                "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", width + "x" + height, "-r", Integer.toString(fps),
                "-i", "pipe:0",
                "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-threads", "1",
                "-movflags", "+faststart", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-map_metadata", "-1",
                "-y", output.toString());
        var outcome = ExternalProcess.run("ffmpeg", command, output, stdin -> {
            byte[] rgb = new byte[width * height * 3];
            for (int i = 0; i < frames; i++) {
                cancellation.throwIfCancelled();
                toRgb(frameAt.apply(i), rgb);
                stdin.write(rgb);
                progress.progress((i + 1) / (frames + 1.0), "frame " + (i + 1) + "/" + frames);
            }
        }, timeout, cancellation);
        if (outcome.exitCode() != 0 || outcome.output().length == 0) {
            throw new NonRetriableToolException("ffmpeg failed with exit code " + outcome.exitCode() + ": "
                    + outcome.errorTail() + "; check that this ffmpeg has the libx264 encoder");
        }
        return outcome.output();
    }

    private static void toRgb(BufferedImage frame, byte[] rgb) {
        int[] pixels = frame.getRGB(0, 0, frame.getWidth(), frame.getHeight(), null, 0, frame.getWidth());
        for (int i = 0; i < pixels.length; i++) {
            rgb[3 * i] = (byte) (pixels[i] >> 16);
            rgb[3 * i + 1] = (byte) (pixels[i] >> 8);
            rgb[3 * i + 2] = (byte) pixels[i];
        }
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (int i = 0; i < root.getLength(); i++) {
            if (root.item(i).getNodeName().equalsIgnoreCase(name)) {
                return (IIOMetadataNode) root.item(i);
            }
        }
        IIOMetadataNode node = new IIOMetadataNode(name);
        root.appendChild(node);
        return node;
    }
}
