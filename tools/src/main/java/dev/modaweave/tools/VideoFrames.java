package dev.modaweave.tools;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Reads what a video holds without a video library: evenly spaced keyframes and the facts of the
 * container. Animated GIFs are decoded in Java; MP4 and WebM frames are extracted with an
 * {@code ffmpeg} executable on the {@code PATH} (Debian package {@code ffmpeg}) when there is one.
 * Without it an MP4's duration and picture size still come from its {@code mvhd} / {@code tkhd}
 * boxes, and {@link Sample#frames()} is empty with {@link Sample#note()} saying why.
 *
 * <p>Blocking: call it on a worker thread.
 */
public final class VideoFrames {

    /** The most frames one sample takes. */
    public static final int MAX_FRAMES = 32;
    private static final int MAX_SIDE = 4096;

    /**
     * What was read from one video.
     *
     * @param frames          evenly spaced frames, first to last; empty when none could be decoded
     * @param durationSeconds the video's duration, or NaN when unknown
     * @param width           picture width, 0 when unknown
     * @param height          picture height, 0 when unknown
     * @param frameCount      frames in the whole video, 0 when unknown
     * @param note            empty, or why frames are missing (e.g. no ffmpeg for an MP4)
     */
    public record Sample(List<BufferedImage> frames, double durationSeconds, int width, int height, int frameCount,
                         String note) {
        public Sample {
            frames = List.copyOf(frames);
        }
    }

    private VideoFrames() {
    }

    /**
     * Samples up to {@code count} evenly spaced frames of a video.
     *
     * @param bytes    the video file
     * @param mimeType its type ({@code image/gif}, {@code video/mp4}, {@code video/webm})
     * @param count    1 to {@link #MAX_FRAMES}
     * @throws InvalidMediaException when the bytes are not a video of that type
     */
    public static Sample sample(byte[] bytes, String mimeType, int count, Duration timeout) {
        if (count < 1 || count > MAX_FRAMES) {
            throw new IllegalArgumentException("frame count is " + count + "; use 1 to " + MAX_FRAMES);
        }
        String type = mimeType == null ? "" : mimeType.toLowerCase();
        if (type.equals("image/gif")) {
            return gif(bytes, count);
        }
        if (!type.startsWith("video/")) {
            throw new InvalidMediaException("a " + mimeType + " file is not a video; frames come from GIF, MP4 or WebM files");
        }
        Mp4Facts facts = type.equals("video/mp4") ? mp4Facts(bytes) : new Mp4Facts(Double.NaN, 0, 0);
        Optional<Path> ffmpeg = executable("ffmpeg");
        if (ffmpeg.isEmpty()) {
            return new Sample(List.of(), facts.duration, facts.width, facts.height, 0,
                    "no frames read: decoding " + mimeType + " needs ffmpeg (Debian package ffmpeg), which is not installed");
        }
        return ffmpegFrames(ffmpeg.get(), bytes, type, count, facts, timeout);
    }

    private static Sample gif(byte[] bytes, int count) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("gif");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, false, false);
                int total = reader.getNumImages(true);
                if (total < 1) {
                    throw new InvalidMediaException("the GIF holds no frames");
                }
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width > MAX_SIDE || height > MAX_SIDE) {
                    throw new InvalidMediaException("the GIF is " + width + "x" + height + ", larger than " + MAX_SIDE + " on a side");
                }
                double seconds = 0;
                for (int i = 0; i < total; i++) {
                    seconds += gifDelay(reader.getImageMetadata(i)) / 100.0;
                }
                List<BufferedImage> frames = new ArrayList<>();
                BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
                int next = 0;
                List<Integer> wanted = evenly(total, count);
                for (int i = 0; i < total && next < wanted.size(); i++) {
                    BufferedImage frame = reader.read(i);
                    IIOMetadataNode desc = descriptor(reader.getImageMetadata(i));
                    int left = desc == null ? 0 : Integer.parseInt(desc.getAttribute("imageLeftPosition"));
                    int top = desc == null ? 0 : Integer.parseInt(desc.getAttribute("imageTopPosition"));
                    var g = canvas.createGraphics();
                    g.drawImage(frame, left, top, null);
                    g.dispose();
                    if (wanted.get(next) == i) {
                        frames.add(copy(canvas));
                        next++;
                    }
                }
                return new Sample(frames, seconds, width, height, total, "");
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidMediaException invalid) {
                throw invalid;
            }
            throw new InvalidMediaException("the GIF cannot be decoded: " + e.getMessage(), e);
        }
    }

    private static Sample ffmpegFrames(Path ffmpeg, byte[] bytes, String type, int count, Mp4Facts facts, Duration timeout) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("modaweave-frames");
            Path input = dir.resolve(type.endsWith("webm") ? "in.webm" : "in.mp4");
            Files.write(input, bytes);
            double duration = facts.duration;
            // one frame per equal slice of the video: fps=count/duration; without a known duration, 1 fps
            String rate = Double.isFinite(duration) && duration > 0 ? String.format(java.util.Locale.ROOT, "%.6f", count / duration) : "1";
            List<String> command = List.of(ffmpeg.toString(), "-hide_banner", "-loglevel", "error", "-i", input.toString(),
                    "-vf", "fps=" + rate, "-frames:v", Integer.toString(count), dir.resolve("f%03d.png").toString());
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new ToolTimeoutException("ffmpeg took longer than " + timeout.toSeconds() + " s to extract frames");
            }
            if (process.exitValue() != 0) {
                throw new InvalidMediaException("ffmpeg could not decode the " + type + " file (exit code " + process.exitValue() + ")");
            }
            List<BufferedImage> frames = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                File f = dir.resolve(String.format("f%03d.png", i)).toFile();
                if (f.isFile()) {
                    frames.add(ImageIO.read(f));
                }
            }
            if (frames.isEmpty()) {
                throw new InvalidMediaException("ffmpeg found no frames in the " + type + " file");
            }
            int width = facts.width > 0 ? facts.width : frames.get(0).getWidth();
            int height = facts.height > 0 ? facts.height : frames.get(0).getHeight();
            return new Sample(frames, duration, width, height, 0, "");
        } catch (IOException e) {
            throw new InvalidMediaException("frames could not be extracted: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolCancelledException("interrupted while extracting frames");
        } finally {
            deleteTree(dir);
        }
    }

    private record Mp4Facts(double duration, int width, int height) {
    }

    /** Duration from {@code moov/mvhd}, picture size from the first {@code trak/tkhd} with a size. */
    private static Mp4Facts mp4Facts(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        double[] duration = {Double.NaN};
        int[] size = {0, 0};
        walk(b, 0, bytes.length, duration, size, 0);
        return new Mp4Facts(duration[0], size[0], size[1]);
    }

    private static void walk(ByteBuffer b, int from, int to, double[] duration, int[] size, int depth) {
        int at = from;
        while (at + 8 <= to && depth < 8) {
            long boxSize = Integer.toUnsignedLong(b.getInt(at));
            String kind = new String(new byte[]{b.get(at + 4), b.get(at + 5), b.get(at + 6), b.get(at + 7)},
                    java.nio.charset.StandardCharsets.ISO_8859_1);
            int header = 8;
            if (boxSize == 1 && at + 16 <= to) {
                boxSize = b.getLong(at + 8);
                header = 16;
            } else if (boxSize == 0) {
                boxSize = to - at;
            }
            if (boxSize < header || at + boxSize > to) {
                return;
            }
            int body = at + header;
            switch (kind) {
                case "moov", "trak" -> walk(b, body, (int) (at + boxSize), duration, size, depth + 1);
                case "mvhd" -> {
                    int version = b.get(body);
                    if (version == 1 && body + 32 <= to) {
                        long scale = Integer.toUnsignedLong(b.getInt(body + 20));
                        long length = b.getLong(body + 24);
                        duration[0] = scale == 0 ? Double.NaN : (double) length / scale;
                    } else if (body + 20 <= to) {
                        long scale = Integer.toUnsignedLong(b.getInt(body + 12));
                        long length = Integer.toUnsignedLong(b.getInt(body + 16));
                        duration[0] = scale == 0 ? Double.NaN : (double) length / scale;
                    }
                }
                case "tkhd" -> {
                    int version = b.get(body);
                    int sizeAt = body + (version == 1 ? 88 : 76);
                    if (size[0] == 0 && sizeAt + 8 <= at + boxSize) {
                        int w = b.getInt(sizeAt) >>> 16;
                        int h = b.getInt(sizeAt + 4) >>> 16;
                        if (w > 0 && h > 0) {
                            size[0] = w;
                            size[1] = h;
                        }
                    }
                }
                default -> {
                }
            }
            at += (int) boxSize;
        }
    }

    /** {@code count} indices spread evenly over {@code total} frames, first and last included. */
    static List<Integer> evenly(int total, int count) {
        List<Integer> out = new ArrayList<>();
        int n = Math.min(total, count);
        for (int i = 0; i < n; i++) {
            int index = n == 1 ? 0 : (int) Math.round(i * (total - 1) / (double) (n - 1));
            if (out.isEmpty() || out.get(out.size() - 1) != index) {
                out.add(index);
            }
        }
        return out;
    }

    private static int gifDelay(IIOMetadata metadata) {
        IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree("javax_imageio_gif_image_1.0");
        var nodes = root.getElementsByTagName("GraphicControlExtension");
        if (nodes.getLength() == 0) {
            return 10;
        }
        String delay = ((IIOMetadataNode) nodes.item(0)).getAttribute("delayTime");
        int d = delay.isEmpty() ? 10 : Integer.parseInt(delay);
        return d <= 1 ? 10 : d;
    }

    private static IIOMetadataNode descriptor(IIOMetadata metadata) {
        IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree("javax_imageio_gif_image_1.0");
        var nodes = root.getElementsByTagName("ImageDescriptor");
        return nodes.getLength() == 0 ? null : (IIOMetadataNode) nodes.item(0);
    }

    private static BufferedImage copy(BufferedImage source) {
        BufferedImage out = new BufferedImage(source.getWidth(), source.getHeight(), BufferedImage.TYPE_INT_RGB);
        var g = out.createGraphics();
        g.drawImage(source, 0, 0, null);
        g.dispose();
        return out;
    }

    /**
     * The first executable file called {@code name} in a {@code PATH} directory, or empty. The one
     * program lookup of the project: the generators' {@code Executables.find} answers with it.
     */
    public static Optional<Path> executable(String name) {
        String path = System.getenv("PATH");
        if (path == null || path.isBlank()) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isBlank()) {
                Path candidate = Path.of(dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
