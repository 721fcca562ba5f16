package dev.modaweave.generators.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.generators.media.Media;
import dev.modaweave.generators.local.internal.MediaFacts;
import dev.modaweave.generators.local.internal.PreviewPainter;
import dev.modaweave.generators.local.internal.PromptSeed;
import dev.modaweave.generators.local.internal.PreviewSupport;
import dev.modaweave.tools.ArgumentsSchema;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.InvalidArgumentsException;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.Tasks;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * {@code preview-image-edit}: a deterministic, visible transformation of an input image chosen
 * from the prompt (mirror, posterise, wave, pixelate, invert), tinted with the prompt's colour in
 * proportion to {@code strength}, and captioned. A stand-in for a real image-editing model.
 */
public final class PreviewImageEditTool extends PreviewSupportedTool {

    /** The tool's name. */
    public static final String NAME = "preview-image-edit";

    /** The transformations, in the order the prompt's hash picks from. */
    static final List<String> TRANSFORMS = List.of("mirror", "posterize", "wave", "pixelate", "invert");

    private static final int MAX_SIDE = 2048;

    private static final ObjectNode SCHEMA;

    static {
        SCHEMA = (ObjectNode) Json.parse("""
                {"type":"object","required":["image","prompt"],"additionalProperties":false,
                 "properties":{
                   "prompt":{"type":"string","minLength":1,"maxLength":2000,"description":"how to change the image"},
                   "strength":{"type":"number","minimum":0,"maximum":1,"default":0.6},
                   "seed":{"type":"integer","minimum":0,"maximum":2147483647}}}""");
        ((ObjectNode) SCHEMA.get("properties")).set("image",
                ArgumentsSchema.artifactProperty(Modality.IMAGE, "the image to edit"));
    }

    /** The tool, ready to use. */
    public PreviewImageEditTool() {
        super(PreviewSupport.of(NAME, Tasks.IMAGE_EDIT, Set.of(Modality.IMAGE, Modality.TEXT), Modality.IMAGE,
                SCHEMA, "Offline preview of image editing: applies a visible, deterministic transformation "
                        + "and tint chosen from the prompt to the input image (PNG). Not a real editing model.",
                "{\"image\":\"art_aaaaaaaaaaaaaaaaaaaaaaaaaa\",\"prompt\":\"make it look like winter\",\"strength\":0.6}", 4));
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
        ObjectNode args = support.begin(request);
        String prompt = args.get("prompt").asText();
        double strength = args.path("strength").asDouble(0.6);
        long seed = PreviewSupport.seed(args);
        GenerationRequest.InputArtifact input = request.inputs().get("image");
        if (input == null) {
            throw new InvalidArgumentsException("arguments for '" + NAME + "' are invalid: the input artifact for 'image' ("
                    + args.get("image").asText() + ") was not handed to the tool; pass it in GenerationRequest.inputs()");
        }
        BufferedImage source = decode(input);
        progress.progress(0.3, "decoded " + source.getWidth() + "x" + source.getHeight());
        request.cancellation().throwIfCancelled();

        SplittableRandom random = PromptSeed.random(prompt, seed);
        List<String> words = PromptSeed.words(prompt);
        String transform = TRANSFORMS.get(PromptSeed.wordHash(prompt) % TRANSFORMS.size());
        Color tint = PreviewPainter.colourOf(words.get(words.size() - 1), random);
        int width = source.getWidth();
        int height = source.getHeight();
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int block = Math.max(4, Math.min(width, height) / 24);
        double amplitude = Math.max(3, width / 30.0);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = switch (transform) {
                    case "mirror" -> source.getRGB(width - 1 - x, y);
                    case "posterize" -> source.getRGB(x, y) & 0xC0C0C0;
                    case "wave" -> source.getRGB(clamp(x + (int) (amplitude * Math.sin(y / 12.0)), width), y);
                    case "pixelate" -> source.getRGB(x - x % block, y - y % block);
                    default -> ~source.getRGB(x, y);
                };
                out.setRGB(x, y, blend(rgb, tint, 0.15 + 0.5 * strength));
            }
        }
        progress.progress(0.8, transform);
        request.cancellation().throwIfCancelled();
        Graphics2D g = out.createGraphics();
        try {
            PreviewPainter.caption(g, prompt, width, height);
        } finally {
            g.dispose();
        }
        byte[] png = Media.png(out);
        progress.progress(1, "edited");
        return new GenerationResult(png, "image/png", Map.of("width", width, "height", height,
                "transform", transform, "strength", strength, "seed", seed, "preview", true));
    }

    private static BufferedImage decode(GenerationRequest.InputArtifact input) {
        String what = "input image " + input.artifact().id() + " (" + input.artifact().mimeType() + ")";
        return MediaFacts.decodeImage(input.bytes(), what, " is not a PNG, JPEG, GIF or BMP this tool can read; convert it first",
                MAX_SIDE, (width, height) -> new InvalidArgumentsException("arguments for '" + NAME + "' are invalid: " + what
                        + " is " + width + "x" + height + ", larger than " + MAX_SIDE + " on a side; downscale it first"));
    }

    private static int clamp(int x, int width) {
        return Math.max(0, Math.min(width - 1, x));
    }

    private static int blend(int rgb, Color tint, double amount) {
        int r = (int) (((rgb >> 16) & 0xFF) * (1 - amount) + tint.getRed() * amount);
        int g = (int) (((rgb >> 8) & 0xFF) * (1 - amount) + tint.getGreen() * amount);
        int b = (int) ((rgb & 0xFF) * (1 - amount) + tint.getBlue() * amount);
        return (r << 16) | (g << 8) | b;
    }
}
