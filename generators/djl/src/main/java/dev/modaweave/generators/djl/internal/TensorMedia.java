package dev.modaweave.generators.djl.internal;

import dev.modaweave.generators.djl.DjlModelException;
import dev.modaweave.generators.djl.TorchScriptSpec;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a generator's output tensor as media, following its spec: images in CHW or HWC layout,
 * audio as one channel of samples, video as frames in TCHW or THWC layout. Leading dimensions of
 * size 1 (the batch) are dropped. Values are scaled from the spec's range to bytes and clamped.
 */
public final class TensorMedia {

    private TensorMedia() {
    }

    /**
     * A tensor's values and shape.
     *
     * @param values  as floats
     * @param shape   dimensions
     * @param isUint8 whether the model returned uint8 (then values are 0..255 whatever the spec says)
     */
    public record Tensor(float[] values, long[] shape, boolean isUint8) {
        /** The shape without leading dimensions of size 1, down to {@code rank} dimensions. */
        long[] squeezed(int rank) {
            int from = 0;
            while (shape.length - from > rank && shape[from] == 1) {
                from++;
            }
            return Arrays.copyOfRange(shape, from, shape.length);
        }
    }

    /** The tensor as an RGB image (1 channel is grey, 3 is RGB, 4 drops alpha). */
    public static BufferedImage image(Tensor tensor, TorchScriptSpec.Output output, String model) {
        long[] shape = tensor.squeezed(3);
        if (shape.length != 3) {
            throw shapeError(model, tensor, "an image in " + output.layout() + " layout");
        }
        return image(tensor, 0, shape, output, model);
    }

    /** The tensor as video frames. */
    public static List<BufferedImage> frames(Tensor tensor, TorchScriptSpec.Output output, String model) {
        long[] shape = tensor.squeezed(4);
        if (shape.length != 4) {
            throw shapeError(model, tensor, "video frames in " + output.layout() + " layout");
        }
        long[] frameShape = Arrays.copyOfRange(shape, 1, 4);
        int frameSize = (int) (frameShape[0] * frameShape[1] * frameShape[2]);
        String frameLayout = output.layout().substring(1);
        var frameOutput = new TorchScriptSpec.Output(output.kind(), frameLayout, output.range(), output.sampleRate(), output.fps());
        List<BufferedImage> frames = new ArrayList<>();
        for (int t = 0; t < shape[0]; t++) {
            frames.add(image(tensor, t * frameSize, frameShape, frameOutput, model));
        }
        return frames;
    }

    /** The tensor as mono samples in -1..1. */
    public static float[] samples(Tensor tensor, TorchScriptSpec.Output output, String model) {
        long[] shape = tensor.squeezed(1);
        if (shape.length != 1 || shape[0] < 1) {
            throw shapeError(model, tensor, "one channel of audio samples");
        }
        float[] samples = new float[tensor.values().length];
        for (int i = 0; i < samples.length; i++) {
            float unit = toUnit(tensor.values()[i], tensor.isUint8() ? "0..255" : output.range());
            samples[i] = Math.max(-1f, Math.min(1f, unit * 2f - 1f));
        }
        return samples;
    }

    private static BufferedImage image(Tensor tensor, int offset, long[] shape, TorchScriptSpec.Output output, String model) {
        boolean chw = output.layout().equals("CHW");
        int channels = (int) (chw ? shape[0] : shape[2]);
        int height = (int) (chw ? shape[1] : shape[0]);
        int width = (int) (chw ? shape[2] : shape[1]);
        if (channels != 1 && channels != 3 && channels != 4 || width < 1 || height < 1 || width > 8192 || height > 8192) {
            throw shapeError(model, tensor, "1, 3 or 4 channels in " + output.layout() + " layout");
        }
        String range = tensor.isUint8() ? "0..255" : output.range();
        float[] v = tensor.values();
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int[] rgb = new int[3];
                for (int c = 0; c < 3; c++) {
                    int channel = channels == 1 ? 0 : c;
                    int index = chw ? (channel * height + y) * width + x : (y * width + x) * channels + channel;
                    rgb[c] = Math.round(Math.max(0f, Math.min(1f, toUnit(v[offset + index], range))) * 255f);
                }
                image.setRGB(x, y, (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]);
            }
        }
        return image;
    }

    /** Maps a value from {@code range} to 0..1 (not clamped). */
    private static float toUnit(float value, String range) {
        return switch (range) {
            case "-1..1" -> (value + 1f) / 2f;
            case "0..255" -> value / 255f;
            default -> value;
        };
    }

    private static DjlModelException shapeError(String model, Tensor tensor, String expected) {
        return new DjlModelException("model " + model + " returned a tensor of shape " + Arrays.toString(tensor.shape())
                + " but its spec says " + expected + "; fix the spec's output section or the model");
    }
}
