package dev.modaweave.generators.djl;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.generators.djl.internal.TensorMedia;
import dev.modaweave.generators.djl.internal.TextEmbedder;
import dev.modaweave.generators.media.Executables;
import dev.modaweave.generators.media.Media;
import dev.modaweave.tools.ArgumentsSchema;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.NonRetriableToolException;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.ToolDescriptor;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Runs a user's TorchScript generator with DJL's PyTorch engine, on the GPU when there is one
 * (spec {@code "device": "auto"}) and otherwise on the CPU. The model is loaded once; each worker
 * thread gets its own {@link Predictor}, and {@link #close()} closes them all and the model.
 *
 * <p>The prompt conditions the model through its first input: the 384-d all-MiniLM-L6-v2
 * embedding, or the prompt's UTF-8 bytes as token ids. When the spec asks for noise, a Gaussian
 * vector seeded by the {@code seed} argument (0 by default) is the second input, so the same
 * prompt and seed give the same media. The output tensor becomes a PNG, a WAV, or an MP4 (through
 * {@code ffmpeg} when on the {@code PATH}, else an animated GIF), as the {@link TorchScriptSpec} says.
 */
public final class TorchScriptTool implements GeneratorTool {

    private static final Duration FFMPEG_TIMEOUT = Duration.ofMinutes(2);

    private final TorchScriptSpec spec;
    private final ToolDescriptor descriptor;
    private final ArgumentsSchema schema;
    private final ZooModel<NDList, NDList> model;
    private final Path ffmpeg;
    private final ConcurrentLinkedQueue<Predictor<NDList, NDList>> predictors = new ConcurrentLinkedQueue<>();
    private final ThreadLocal<Predictor<NDList, NDList>> predictor;
    private volatile boolean closed;

    private TorchScriptTool(TorchScriptSpec spec, ZooModel<NDList, NDList> model, Path ffmpeg) {
        this.spec = spec;
        this.model = model;
        this.ffmpeg = ffmpeg;
        this.predictor = ThreadLocal.withInitial(() -> {
            Predictor<NDList, NDList> p = model.newPredictor(new NoopTranslator());
            predictors.add(p);
            return p;
        });
        ObjectNode argumentsSchema = (ObjectNode) Json.parse("""
                {"type":"object","required":["prompt"],"additionalProperties":false,
                 "properties":{
                   "prompt":{"type":"string","minLength":1,"maxLength":2000,"description":"what to generate"},
                   "seed":{"type":"integer","minimum":0,"maximum":2147483647,"description":"varies the result for the same prompt"}}}""");
        this.schema = ArgumentsSchema.compile(spec.name(), argumentsSchema);
        this.descriptor = ToolDescriptor.builder()
                .name(spec.name())
                .task(spec.task())
                .inputModalities(Modality.TEXT)
                .outputModality(spec.output().kind())
                .argumentsSchema(argumentsSchema)
                .description(spec.description())
                .example((ObjectNode) Json.parse("{\"prompt\":\"a red fox in the snow\",\"seed\":1}"))
                .capacity(spec.capacity())
                .build();
    }

    /**
     * Reads the spec file and loads its model.
     *
     * @throws DjlModelException when the spec or the model file is missing or malformed
     */
    public static TorchScriptTool load(Path specFile) {
        return load(TorchScriptSpec.read(specFile));
    }

    /**
     * Loads the model a spec names.
     *
     * @throws DjlModelException when the model file is missing or is not TorchScript
     */
    public static TorchScriptTool load(TorchScriptSpec spec) {
        Objects.requireNonNull(spec, "spec");
        if (!Files.isRegularFile(spec.model())) {
            throw new DjlModelException("model file " + spec.model() + " named by spec '" + spec.name()
                    + "' does not exist; the path in \"model\" is relative to the spec file");
        }
        Criteria<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(spec.model())
                .optEngine("PyTorch")
                .optDevice(device(spec))
                .optTranslator(new NoopTranslator())
                .optOption("mapLocation", "true")
                .build();
        try {
            return new TorchScriptTool(spec, criteria.loadModel(), Executables.find("ffmpeg").orElse(null));
        } catch (ModelNotFoundException | MalformedModelException | IOException | EngineException e) {
            throw new DjlModelException("model file " + spec.model() + " of '" + spec.name()
                    + "' cannot be loaded as TorchScript: " + firstLine(e) + "; save it with torch.jit.script(...).save(...)", e);
        }
    }

    /** The spec the tool was loaded from. */
    public TorchScriptSpec spec() {
        return spec;
    }

    @Override
    public ToolDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
        schema.requireValid(request.arguments());
        request.cancellation().throwIfCancelled();
        if (closed) {
            throw new NonRetriableToolException("tool '" + spec.name() + "' is closed; load it again");
        }
        String prompt = request.arguments().get("prompt").asText();
        long seed = request.arguments().path("seed").asLong(0);
        float[] conditioning = spec.conditioning() == TorchScriptSpec.Conditioning.EMBEDDING
                ? TextEmbedder.embed(prompt) : null;
        progress.progress(0.2, "conditioned");
        request.cancellation().throwIfCancelled();

        TensorMedia.Tensor output;
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDList inputs = new NDList();
            if (conditioning != null) {
                inputs.add(manager.create(conditioning, new Shape(1, conditioning.length)));
            } else {
                inputs.add(manager.create(tokenIds(prompt, spec.embeddingDim()), new Shape(1, spec.embeddingDim())));
            }
            if (spec.noiseDim() > 0) {
                inputs.add(manager.create(noise(seed, spec.noiseDim()), new Shape(1, spec.noiseDim())));
            }
            NDList result = predictor.get().predict(inputs);
            if (result.isEmpty()) {
                throw new DjlModelException("model " + spec.model() + " returned no tensor");
            }
            NDArray first = result.get(0);
            boolean uint8 = first.getDataType() == DataType.UINT8;
            output = new TensorMedia.Tensor(first.toType(DataType.FLOAT32, false).toFloatArray(),
                    first.getShape().getShape(), uint8);
        } catch (TranslateException | EngineException e) {
            throw new DjlModelException("model " + spec.model() + " of '" + spec.name() + "' failed on its inputs: "
                    + firstLine(e) + "; check the spec's inputs (conditioning, embeddingDim, noiseDim) against the model's forward()", e);
        }
        progress.progress(0.7, "inferred");
        request.cancellation().throwIfCancelled();
        return encode(output, seed, request, progress);
    }

    private GenerationResult encode(TensorMedia.Tensor output, long seed, GenerationRequest request, ProgressListener progress) {
        String modelName = spec.model().getFileName().toString();
        Map<String, Object> attributes = new HashMap<>(Map.of("seed", seed, "model", modelName));
        switch (spec.output().kind()) {
            case IMAGE -> {
                BufferedImage image = TensorMedia.image(output, spec.output(), modelName);
                attributes.put("width", image.getWidth());
                attributes.put("height", image.getHeight());
                return new GenerationResult(Media.png(image), "image/png", attributes);
            }
            case AUDIO -> {
                float[] samples = TensorMedia.samples(output, spec.output(), modelName);
                int rate = spec.output().sampleRate();
                attributes.put("sampleRate", rate);
                attributes.put("durationMs", Math.max(1, Math.round(samples.length * 1000.0 / rate)));
                return new GenerationResult(Media.wav(samples, rate), "audio/wav", attributes);
            }
            case VIDEO -> {
                List<BufferedImage> frames = TensorMedia.frames(output, spec.output(), modelName);
                int fps = spec.output().fps();
                int width = frames.get(0).getWidth();
                int height = frames.get(0).getHeight();
                attributes.put("width", width);
                attributes.put("height", height);
                attributes.put("frames", frames.size());
                attributes.put("fps", fps);
                attributes.put("durationMs", Math.round(frames.size() * 1000.0 / fps));
                if (ffmpeg != null && width % 2 == 0 && height % 2 == 0) {
                    byte[] mp4 = Media.mp4(ffmpeg, width, height, fps, frames.size(), frames::get,
                            FFMPEG_TIMEOUT, request.cancellation(), progress);
                    return new GenerationResult(mp4, "video/mp4", attributes);
                }
                return new GenerationResult(Media.animatedGif(frames, 1000 / fps), "image/gif", attributes);
            }
            default -> throw new DjlModelException("spec of '" + spec.name() + "' has output kind " + spec.output().kind());
        }
    }

    /** Closes every predictor and the model. */
    @Override
    public void close() {
        closed = true;
        Predictor<NDList, NDList> p;
        while ((p = predictors.poll()) != null) {
            p.close();
        }
        model.close();
    }

    private static Device device(TorchScriptSpec spec) {
        int gpus = Engine.getEngine("PyTorch").getGpuCount();
        return switch (spec.device()) {
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (gpus == 0) {
                    throw new DjlModelException("spec '" + spec.name() + "' asks for \"device\": \"gpu\" but PyTorch sees no GPU "
                            + "on this machine; use \"auto\" to fall back to the CPU, or install the CUDA build of the PyTorch native library");
                }
                yield Device.gpu();
            }
            default -> gpus > 0 ? Device.gpu() : Device.cpu();
        };
    }

    private static float[] noise(long seed, int size) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 1);
        float[] noise = new float[size];
        for (int i = 0; i < size; i++) {
            // Box-Muller: a standard normal from two uniforms, reproducible on every JVM
            double u1 = 1.0 - random.nextDouble();
            double u2 = random.nextDouble();
            noise[i] = (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
        }
        return noise;
    }

    private static long[] tokenIds(String prompt, int length) {
        byte[] bytes = prompt.getBytes(StandardCharsets.UTF_8);
        long[] ids = new long[length];
        for (int i = 0; i < Math.min(length, bytes.length); i++) {
            ids[i] = (bytes[i] & 0xFF) + 1L;
        }
        return ids;
    }

    private static String firstLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
