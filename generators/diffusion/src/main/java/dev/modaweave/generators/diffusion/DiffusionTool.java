package dev.modaweave.generators.diffusion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.generators.diffusion.schedulers.Scheduler;
import dev.modaweave.generators.media.Executables;
import dev.modaweave.generators.media.Media;
import dev.modaweave.tools.ArgumentsSchema;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.InvalidArgumentsException;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.NonRetriableToolException;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.ToolDescriptor;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A {@link DiffusionPipeline} as a generator tool: arguments {@code prompt}, {@code negative_prompt},
 * {@code seed}, {@code steps}, {@code guidance_scale}, {@code scheduler}, the size ({@code width},
 * {@code height}) or length ({@code duration}, {@code frames}), {@code strength} and the input
 * {@code image} of an edit, and optionally {@code prompt_embeds} / {@code negative_prompt_embeds}
 * that replace the text encoder's output. Images become PNG, audio a 16-bit WAV at the vocoder's
 * rate, video an H.264 MP4 through {@code ffmpeg} when it is on the {@code PATH} (else an animated GIF).
 * Each denoising step reports progress; a cancelled call stops before its next step.
 */
public final class DiffusionTool implements GeneratorTool {

    private static final Duration FFMPEG_TIMEOUT = Duration.ofMinutes(2);
    private static final int MAX_STEPS = 150;

    private final DiffusionPipeline pipeline;
    private final ToolDescriptor descriptor;
    private final ArgumentsSchema schema;
    private final Path ffmpeg;
    private volatile boolean closed;

    private DiffusionTool(DiffusionPipeline pipeline, Path ffmpeg) {
        this.pipeline = pipeline;
        this.ffmpeg = ffmpeg;
        DiffusionSpec spec = pipeline.spec();
        ObjectNode argumentsSchema = schema(spec);
        this.schema = ArgumentsSchema.compile(spec.name(), argumentsSchema);
        this.descriptor = ToolDescriptor.builder()
                .name(spec.name())
                .task(spec.kind().task())
                .inputModalities(spec.kind() == PipelineKind.IMAGE_EDIT ? Set.of(Modality.TEXT, Modality.IMAGE) : Set.of(Modality.TEXT))
                .outputModality(spec.kind().output())
                .argumentsSchema(argumentsSchema)
                .description(spec.description())
                .example(example(spec))
                .capacity(spec.capacity())
                .build();
    }

    /** Loads the pipeline a spec file describes. @throws DiffusionModelException when it cannot be loaded */
    public static DiffusionTool load(Path specFile) {
        return load(DiffusionSpec.read(specFile));
    }

    /** Loads the pipeline of a spec. @throws DiffusionModelException when it cannot be loaded */
    public static DiffusionTool load(DiffusionSpec spec) {
        return new DiffusionTool(DiffusionPipeline.load(spec), Executables.find("ffmpeg").orElse(null));
    }

    /** The loaded pipeline (for benchmarks and embedding callers). */
    public DiffusionPipeline pipeline() {
        return pipeline;
    }

    @Override
    public ToolDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
        request.cancellation().throwIfCancelled();
        if (closed) {
            throw new NonRetriableToolException("tool '" + descriptor.name() + "' is closed; load it again");
        }
        schema.requireValid(request.arguments());
        ObjectNode args = request.arguments();
        DiffusionSpec spec = pipeline.spec();
        long seed = args.has("seed") ? args.get("seed").asLong() : ThreadLocalRandom.current().nextLong(0, Integer.MAX_VALUE);
        DiffusionRequest.Builder builder = DiffusionRequest.builder()
                .prompt(args.path("prompt").asText())
                .negativePrompt(args.path("negative_prompt").asText(""))
                .seed(seed);
        if (args.has("prompt_embeds")) {
            builder.promptEmbedding(embedding(args.get("prompt_embeds"), "prompt_embeds"));
        }
        if (args.has("negative_prompt_embeds")) {
            builder.negativeEmbedding(embedding(args.get("negative_prompt_embeds"), "negative_prompt_embeds"));
        }
        if (args.has("steps")) {
            builder.steps(args.get("steps").asInt());
        }
        if (args.has("guidance_scale")) {
            builder.guidanceScale(args.get("guidance_scale").asDouble());
        }
        if (args.has("scheduler")) {
            builder.scheduler(Scheduler.of(args.get("scheduler").asText(), pipeline.scheduler().config()));
        }
        if (args.has("width")) {
            builder.width(args.get("width").asInt());
        }
        if (args.has("height")) {
            builder.height(args.get("height").asInt());
        }
        if (args.has("strength")) {
            builder.strength(args.get("strength").asDouble());
        }
        if (args.has("duration")) {
            builder.duration(args.get("duration").asDouble());
        }
        if (args.has("frames")) {
            builder.frames(args.get("frames").asInt());
        }
        if (spec.kind() == PipelineKind.IMAGE_EDIT) {
            builder.image(inputImage(request));
        }
        DiffusionOutput output = pipeline.run(builder.build(), progress, request.cancellation());
        request.cancellation().throwIfCancelled();
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("seed", seed);
        attributes.put("steps", output.timings().steps());
        attributes.put("scheduler", args.has("scheduler") ? args.get("scheduler").asText() : pipeline.scheduler().name());
        attributes.put("device", pipeline.device());
        return switch (spec.kind()) {
            case TEXT_TO_IMAGE, IMAGE_EDIT -> {
                BufferedImage image = image(output.values(), output.shape(), 0);
                attributes.put("width", image.getWidth());
                attributes.put("height", image.getHeight());
                yield new GenerationResult(Media.png(image), "image/png", attributes);
            }
            case TEXT_TO_AUDIO -> {
                float[] samples = output.values();
                for (int i = 0; i < samples.length; i++) {
                    samples[i] = Math.max(-1f, Math.min(1f, samples[i]));
                }
                int rate = spec.audio().sampleRate();
                attributes.put("sampleRate", rate);
                attributes.put("durationMs", Math.max(1, Math.round(samples.length * 1000.0 / rate)));
                yield new GenerationResult(Media.wav(samples, rate), "audio/wav", attributes);
            }
            case TEXT_TO_VIDEO -> video(output, attributes, request, progress);
        };
    }

    private GenerationResult video(DiffusionOutput output, Map<String, Object> attributes, GenerationRequest request,
                                   ProgressListener progress) {
        int count = (int) output.shape()[0];
        List<BufferedImage> frames = new ArrayList<>(count);
        for (int f = 0; f < count; f++) {
            frames.add(image(output.values(), output.shape(), f));
        }
        int fps = pipeline.spec().fps();
        int width = frames.get(0).getWidth();
        int height = frames.get(0).getHeight();
        attributes.put("width", width);
        attributes.put("height", height);
        attributes.put("frames", count);
        attributes.put("fps", fps);
        attributes.put("durationMs", Math.round(count * 1000.0 / fps));
        if (ffmpeg != null && width % 2 == 0 && height % 2 == 0) {
            byte[] mp4 = Media.mp4(ffmpeg, width, height, fps, count, frames::get, FFMPEG_TIMEOUT, request.cancellation(), progress);
            return new GenerationResult(mp4, "video/mp4", attributes);
        }
        return new GenerationResult(Media.animatedGif(frames, 1000 / fps), "image/gif", attributes);
    }

    /** Frame {@code index} of a [N, 3, H, W] tensor in -1..1 as RGB, the way diffusers post-processes it. */
    private static BufferedImage image(float[] values, long[] shape, int index) {
        int channels = (int) shape[1];
        int height = (int) shape[2];
        int width = (int) shape[3];
        int plane = height * width;
        int offset = index * channels * plane;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    float v = values[offset + Math.min(c, channels - 1) * plane + y * width + x];
                    float unit = Math.max(0f, Math.min(1f, v / 2f + 0.5f));
                    rgb = (rgb << 8) | Math.round(unit * 255f);
                }
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    private BufferedImage inputImage(GenerationRequest request) {
        GenerationRequest.InputArtifact input = request.inputs().get("image");
        if (input == null) {
            throw new InvalidArgumentsException("tool '" + descriptor.name() + "' needs the picture to edit as argument 'image' "
                    + "(an artifact reference), but the request carries none");
        }
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(input.bytes()));
            if (image == null) {
                throw new InvalidArgumentsException("input 'image' (" + input.artifact().mimeType() + ") is not a picture this JVM can read; use PNG or JPEG");
            }
            return image;
        } catch (IOException e) {
            throw new InvalidArgumentsException("input 'image' cannot be read: " + e.getMessage(), e);
        }
    }

    /** Nested JSON arrays of numbers as an embedding, e.g. [[...768 numbers...] x 77] for SD 1.x. */
    static DiffusionRequest.Embedding embedding(JsonNode node, String argument) {
        List<Long> shape = new ArrayList<>();
        JsonNode probe = node;
        while (probe.isArray()) {
            if (probe.isEmpty()) {
                throw new InvalidArgumentsException(argument + " contains an empty array");
            }
            shape.add((long) probe.size());
            probe = probe.get(0);
        }
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        if (count > 16_000_000) {
            throw new InvalidArgumentsException(argument + " has " + count + " values; at most 16 million are accepted");
        }
        float[] values = new float[(int) count];
        int[] at = {0};
        flatten(node, 0, shape, values, at, argument);
        return new DiffusionRequest.Embedding(values, shape.stream().mapToLong(Long::longValue).toArray());
    }

    private static void flatten(JsonNode node, int depth, List<Long> shape, float[] out, int[] at, String argument) {
        if (depth == shape.size()) {
            if (!node.isNumber()) {
                throw new InvalidArgumentsException(argument + " must hold only numbers, found " + node.getNodeType());
            }
            out[at[0]++] = node.floatValue();
            return;
        }
        if (!node.isArray() || node.size() != shape.get(depth)) {
            throw new InvalidArgumentsException(argument + " is ragged: every array at depth " + depth + " must have "
                    + shape.get(depth) + " elements");
        }
        for (JsonNode child : node) {
            flatten(child, depth + 1, shape, out, at, argument);
        }
    }

    private static ObjectNode schema(DiffusionSpec spec) {
        ObjectNode schema = Json.object();
        schema.put("type", "object");
        schema.put("additionalProperties", false);
        ArrayNode required = schema.putArray("required");
        required.add("prompt");
        ObjectNode p = schema.putObject("properties");
        p.set("prompt", Json.parse("{\"type\":\"string\",\"minLength\":1,\"maxLength\":2000,\"description\":\"what to generate\"}"));
        p.set("negative_prompt", Json.parse("{\"type\":\"string\",\"maxLength\":2000,\"description\":\"what to avoid\"}"));
        p.set("seed", Json.parse("{\"type\":\"integer\",\"minimum\":0,\"maximum\":2147483647,\"description\":\"the same seed and arguments give the same result\"}"));
        p.set("steps", Json.parse("{\"type\":\"integer\",\"minimum\":1,\"maximum\":" + MAX_STEPS
                + ",\"description\":\"denoising steps (default " + spec.defaults().steps() + ")\"}"));
        p.set("guidance_scale", Json.parse("{\"type\":\"number\",\"minimum\":0,\"maximum\":50,"
                + "\"description\":\"how closely to follow the prompt; 1 or less turns guidance off (default " + spec.defaults().guidanceScale() + ")\"}"));
        ObjectNode scheduler = Json.object();
        scheduler.put("type", "string");
        scheduler.set("enum", Json.MAPPER.valueToTree(Scheduler.NAMES));
        scheduler.put("description", "sampler");
        p.set("scheduler", scheduler);
        String embedsDescription = "precomputed text-encoder output (nested arrays of numbers) used instead of encoding the text";
        p.set("prompt_embeds", Json.parse("{\"type\":\"array\",\"description\":\"" + embedsDescription + "\"}"));
        p.set("negative_prompt_embeds", Json.parse("{\"type\":\"array\",\"description\":\"" + embedsDescription + "\"}"));
        int ds = spec.downscale();
        if (spec.kind() != PipelineKind.TEXT_TO_AUDIO) {
            p.set("width", Json.parse("{\"type\":\"integer\",\"minimum\":" + ds + ",\"maximum\":2048,\"multipleOf\":" + ds
                    + ",\"description\":\"pixels (default " + spec.defaults().width() + ")\"}"));
            p.set("height", Json.parse("{\"type\":\"integer\",\"minimum\":" + ds + ",\"maximum\":2048,\"multipleOf\":" + ds
                    + ",\"description\":\"pixels (default " + spec.defaults().height() + ")\"}"));
        }
        switch (spec.kind()) {
            case IMAGE_EDIT -> {
                p.set("image", ArgumentsSchema.artifactProperty(Modality.IMAGE, "the picture to edit"));
                p.set("strength", Json.parse("{\"type\":\"number\",\"exclusiveMinimum\":0,\"maximum\":1,"
                        + "\"description\":\"how much of the picture is redrawn (default " + spec.defaults().strength() + ")\"}"));
                required.add("image");
            }
            case TEXT_TO_AUDIO -> p.set("duration", Json.parse("{\"type\":\"number\",\"exclusiveMinimum\":0,\"maximum\":30,"
                    + "\"description\":\"seconds (default " + spec.defaults().duration() + ")\"}"));
            case TEXT_TO_VIDEO -> {
                p.set("frames", Json.parse("{\"type\":\"integer\",\"minimum\":1,\"maximum\":128,\"description\":\"frames (default "
                        + spec.defaults().frames() + " at " + spec.fps() + " fps)\"}"));
                p.set("duration", Json.parse("{\"type\":\"number\",\"exclusiveMinimum\":0,\"maximum\":16,"
                        + "\"description\":\"seconds; sets the frame count at " + spec.fps() + " fps\"}"));
            }
            default -> {
            }
        }
        return schema;
    }

    private static ObjectNode example(DiffusionSpec spec) {
        return (ObjectNode) switch (spec.kind()) {
            case TEXT_TO_IMAGE -> Json.parse("{\"prompt\":\"a red fox in the snow\",\"seed\":1}");
            case IMAGE_EDIT -> Json.parse("{\"prompt\":\"the same scene at night\",\"image\":\"art_" + "a".repeat(26) + "\",\"strength\":0.6}");
            case TEXT_TO_AUDIO -> Json.parse("{\"prompt\":\"birds singing in the rain\",\"seed\":1}");
            case TEXT_TO_VIDEO -> Json.parse("{\"prompt\":\"waves on the sea at sunset\",\"seed\":1}");
        };
    }

    @Override
    public void close() {
        closed = true;
        pipeline.close();
    }

    @Override
    public String toString() {
        return "DiffusionTool[" + Objects.requireNonNull(descriptor.name()) + ", " + pipeline.spec().kind().task() + "]";
    }
}
