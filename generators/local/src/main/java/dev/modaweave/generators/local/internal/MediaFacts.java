package dev.modaweave.generators.local.internal;

import dev.modaweave.tools.InvalidArgumentsException;
import dev.modaweave.tools.InvalidMediaException;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Facts that can be measured from media without a model: a picture's size, dominant colours and
 * brightness; a recording's duration, format and loudness. The offline describers state these,
 * labelled as measurements, instead of inventing a caption.
 */
public final class MediaFacts {

    private static final int MAX_SIDE = 8192;

    /** Named reference colours; a pixel counts for the nearest. */
    private static final Map<String, int[]> COLOURS = new java.util.LinkedHashMap<>();

    static {
        COLOURS.put("black", new int[]{0, 0, 0});
        COLOURS.put("dark grey", new int[]{64, 64, 64});
        COLOURS.put("grey", new int[]{128, 128, 128});
        COLOURS.put("light grey", new int[]{192, 192, 192});
        COLOURS.put("white", new int[]{255, 255, 255});
        COLOURS.put("red", new int[]{200, 30, 30});
        COLOURS.put("dark red", new int[]{110, 15, 15});
        COLOURS.put("orange", new int[]{240, 140, 20});
        COLOURS.put("brown", new int[]{120, 75, 35});
        COLOURS.put("yellow", new int[]{235, 220, 40});
        COLOURS.put("green", new int[]{40, 160, 50});
        COLOURS.put("dark green", new int[]{20, 80, 30});
        COLOURS.put("teal", new int[]{20, 130, 130});
        COLOURS.put("light blue", new int[]{120, 180, 235});
        COLOURS.put("blue", new int[]{30, 70, 200});
        COLOURS.put("dark blue", new int[]{15, 25, 90});
        COLOURS.put("purple", new int[]{120, 50, 160});
        COLOURS.put("pink", new int[]{240, 140, 190});
    }

    private MediaFacts() {
    }

    /** A colour's share of a picture. */
    public record ColourShare(String name, double share) {
    }

    /**
     * What a picture shows that can be measured.
     *
     * @param width      pixels
     * @param height     pixels
     * @param colours    the dominant named colours, largest share first (at most three, each ≥ 5 %)
     * @param brightness mean luma, 0 (black) to 1 (white)
     */
    public record ImageFacts(int width, int height, List<ColourShare> colours, double brightness) {

        /** "640×480 picture, mostly dark blue (41 %), white (22 %); dark overall". */
        public String sentence() {
            StringBuilder sb = new StringBuilder().append(width).append('×').append(height).append(" picture");
            if (!colours.isEmpty()) {
                sb.append(", mostly ");
                for (int i = 0; i < colours.size(); i++) {
                    ColourShare c = colours.get(i);
                    sb.append(i == 0 ? "" : ", ").append(c.name()).append(" (").append(Math.round(c.share() * 100)).append(" %)");
                }
            }
            String light = brightness < 0.25 ? "dark" : brightness > 0.75 ? "bright" : "medium brightness";
            return sb.append("; ").append(light).append(" overall").toString();
        }
    }

    /** Decodes a PNG, JPEG, GIF or BMP, checking its declared size before any pixel is read. */
    public static BufferedImage decodeImage(byte[] bytes, String what) {
        return decodeImage(bytes, what, " is not a PNG, JPEG, GIF or BMP picture this tool can read", MAX_SIDE,
                (width, height) -> new InvalidMediaException(what + " is " + width + "x" + height + ", larger than "
                        + MAX_SIDE + " on a side"));
    }

    /** The error for a picture whose declared size is over the limit: an invalid-media or invalid-arguments exception. */
    @FunctionalInterface
    public interface TooLarge {
        /** The exception to throw for a {@code width} x {@code height} picture. */
        RuntimeException error(int width, int height);
    }

    /**
     * Decodes a PNG, JPEG, GIF or BMP, checking its declared size against {@code maxSide} before any
     * pixel is decoded, so a small file claiming a huge image cannot exhaust memory.
     *
     * @param what       names the picture in messages
     * @param unreadable what follows {@code what} in the error when no reader knows the format
     * @param tooLarge   the error when a side is over {@code maxSide}
     * @throws InvalidMediaException when the bytes are no picture or cannot be decoded
     */
    public static BufferedImage decodeImage(byte[] bytes, String what, String unreadable, int maxSide, TooLarge tooLarge) {
        try (ImageInputStream stream = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
            if (!readers.hasNext()) {
                throw new InvalidMediaException(what + unreadable);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(stream, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width > maxSide || height > maxSide) {
                    throw tooLarge.error(width, height);
                }
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidMediaException || e instanceof InvalidArgumentsException) {
                throw (RuntimeException) e;
            }
            throw new InvalidMediaException(what + " cannot be decoded: " + e.getMessage(), e);
        }
    }

    /** Measures a picture; samples at most about 40,000 pixels. */
    public static ImageFacts image(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        int step = Math.max(1, (int) Math.sqrt((double) width * height / 40_000));
        Map<String, Integer> counts = new HashMap<>();
        double luma = 0;
        int n = 0;
        for (int y = 0; y < height; y += step) {
            for (int x = 0; x < width; x += step) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 0xFF;
                int g = (rgb >> 8) & 0xFF;
                int b = rgb & 0xFF;
                counts.merge(nearest(r, g, b), 1, Integer::sum);
                luma += (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255.0;
                n++;
            }
        }
        int total = n;
        List<ColourShare> shares = new ArrayList<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(3)
                .map(e -> new ColourShare(e.getKey(), e.getValue() / (double) total))
                .filter(c -> c.share() >= 0.05)
                .forEach(shares::add);
        return new ImageFacts(width, height, shares, luma / Math.max(1, n));
    }

    private static String nearest(int r, int g, int b) {
        return COLOURS.entrySet().stream()
                .min(Comparator.comparingDouble(e -> {
                    int[] c = e.getValue();
                    double dr = r - c[0];
                    double dg = g - c[1];
                    double db = b - c[2];
                    return 0.3 * dr * dr + 0.59 * dg * dg + 0.11 * db * db;
                }))
                .orElseThrow().getKey();
    }

    /**
     * What a recording holds that can be measured.
     *
     * @param seconds     duration
     * @param sampleRate  samples per second
     * @param channels    1 mono, 2 stereo…
     * @param rmsDbfs     loudness as RMS level in dB relative to full scale (-inf for silence)
     * @param peakDbfs    the loudest sample in dBFS
     * @param silentShare share of 50 ms windows quieter than -45 dBFS
     * @param mono16k     the samples as 16 kHz mono 16-bit little-endian PCM, for a speech recogniser
     */
    public record AudioFacts(double seconds, float sampleRate, int channels, double rmsDbfs, double peakDbfs,
                             double silentShare, byte[] mono16k) {

        /** "3.2 s of mono audio at 22050 Hz, RMS level -18 dBFS (peak -3 dBFS), 20 % near-silent". */
        public String sentence() {
            String layout = channels == 1 ? "mono" : channels == 2 ? "stereo" : channels + "-channel";
            return String.format(Locale.ROOT, "%.1f s of %s audio at %d Hz, RMS level %s dBFS (peak %s dBFS), %d %% near-silent",
                    seconds, layout, Math.round(sampleRate), db(rmsDbfs), db(peakDbfs), Math.round(silentShare * 100));
        }

        private static String db(double v) {
            return Double.isInfinite(v) ? "-inf" : Long.toString(Math.round(v));
        }
    }

    /**
     * Measures a recording the JDK can decode (WAV, AIFF, AU with PCM samples).
     *
     * @throws InvalidMediaException when it cannot be decoded; the message names the format
     */
    public static AudioFacts audio(byte[] bytes, String what) {
        try (AudioInputStream source = AudioSystem.getAudioInputStream(new ByteArrayInputStream(bytes))) {
            AudioFormat format = source.getFormat();
            AudioFormat pcm = new AudioFormat(AudioFormat.Encoding.PCM_SIGNED, format.getSampleRate(), 16,
                    format.getChannels(), format.getChannels() * 2, format.getSampleRate(), false);
            byte[] data;
            try (AudioInputStream in = AudioSystem.getAudioInputStream(pcm, source)) {
                data = in.readAllBytes();
            }
            int channels = Math.max(1, format.getChannels());
            int frames = data.length / (2 * channels);
            float rate = format.getSampleRate();
            double[] mono = new double[frames];
            for (int i = 0; i < frames; i++) {
                double sum = 0;
                for (int c = 0; c < channels; c++) {
                    int at = 2 * (i * channels + c);
                    sum += (short) ((data[at] & 0xFF) | (data[at + 1] << 8)) / 32768.0;
                }
                mono[i] = sum / channels;
            }
            double squares = 0;
            double peak = 0;
            for (double v : mono) {
                squares += v * v;
                peak = Math.max(peak, Math.abs(v));
            }
            int window = Math.max(1, Math.round(rate * 0.05f));
            int windows = 0;
            int silent = 0;
            for (int start = 0; start + window <= frames; start += window) {
                double s = 0;
                for (int i = start; i < start + window; i++) {
                    s += mono[i] * mono[i];
                }
                windows++;
                if (dbfs(Math.sqrt(s / window)) < -45) {
                    silent++;
                }
            }
            return new AudioFacts(frames / (double) rate, rate, channels, dbfs(Math.sqrt(squares / Math.max(1, frames))),
                    dbfs(peak), windows == 0 ? 0 : silent / (double) windows, resample16k(mono, rate));
        } catch (UnsupportedAudioFileException e) {
            throw new InvalidMediaException(what + " is not audio the built-in decoder reads (WAV, AIFF or AU with PCM samples)", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidMediaException(what + " cannot be decoded: " + e.getMessage(), e);
        }
    }

    private static double dbfs(double amplitude) {
        return amplitude <= 0 ? Double.NEGATIVE_INFINITY : 20 * Math.log10(amplitude);
    }

    /** Linear-interpolated 16 kHz mono 16-bit PCM, what pocketsphinx's default model expects. */
    private static byte[] resample16k(double[] mono, float rate) {
        int out = (int) Math.floor(mono.length * 16_000.0 / rate);
        ByteArrayOutputStream pcm = new ByteArrayOutputStream(out * 2);
        for (int i = 0; i < out; i++) {
            double pos = i * rate / 16_000.0;
            int left = (int) pos;
            double frac = pos - left;
            double a = mono[Math.min(left, mono.length - 1)];
            double b = mono[Math.min(left + 1, mono.length - 1)];
            int v = (int) Math.max(-32768, Math.min(32767, Math.round((a + (b - a) * frac) * 32767)));
            pcm.write(v & 0xFF);
            pcm.write((v >> 8) & 0xFF);
        }
        return pcm.toByteArray();
    }
}
