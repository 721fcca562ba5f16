package dev.modaweave.generators.local.internal;

import dev.modaweave.tools.NonRetriableToolException;

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
import java.util.List;

/** Encoders built on the JDK alone: PNG, animated GIF and 16-bit PCM WAV. */
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
