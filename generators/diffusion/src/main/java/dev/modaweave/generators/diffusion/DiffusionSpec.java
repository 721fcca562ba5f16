package dev.modaweave.generators.diffusion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.generators.diffusion.schedulers.Scheduler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A latent-diffusion pipeline described in a JSON file: which pipeline, its TorchScript components
 * (one file per device and dtype, or one file holding several methods), the tokenizer directory, the
 * model's {@code scheduler_config.json}, the VAE scaling factor, the latent geometry and the default
 * arguments. Paths are relative to the spec file. See the module README for every key.
 *
 * @param name              tool name
 * @param kind              which pipeline
 * @param description       one sentence for the tool catalog
 * @param components        component name to its files
 * @param tokenizer         directory holding {@code tokenizer.json} and {@code tokenizer_config.json}
 * @param schedulerConfig   the model's {@code scheduler_config.json}
 * @param scheduler         the default scheduler name, or empty for the one the config's {@code _class_name} names
 * @param vaeScalingFactor  latents are divided by it before decoding (0.18215 for SD 1.x/2.x and AudioLDM)
 * @param latentChannels    channels of the latent (4 for SD and ModelScope, 8 for AudioLDM)
 * @param downscale         pixels (or mel frames and bins) per latent cell (8 for SD, 4 for AudioLDM)
 * @param device            {@code auto}, {@code cpu} or {@code gpu}
 * @param defaults          argument defaults
 * @param audio             audio geometry (text-to-audio only; else null)
 * @param fps               frames per second of the encoded video (text-to-video)
 * @param capacity          calls one worker runs at once
 * @param warmup            whether loading runs one step at the default size so the first call is not slow
 */
public record DiffusionSpec(
        String name,
        PipelineKind kind,
        String description,
        Map<String, Component> components,
        Path tokenizer,
        Path schedulerConfig,
        Optional<String> scheduler,
        float vaeScalingFactor,
        int latentChannels,
        int downscale,
        String device,
        Defaults defaults,
        Audio audio,
        int fps,
        int capacity,
        boolean warmup) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VARIANT = Pattern.compile("(cpu|gpu)(-(float32|float16|bfloat16))?");

    public DiffusionSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        components = Map.copyOf(components);
        Objects.requireNonNull(scheduler, "scheduler");
    }

    /**
     * Argument defaults.
     *
     * @param steps         denoising steps
     * @param guidanceScale classifier-free guidance (1 or less turns it off, as SD-Turbo wants)
     * @param width         image or video width in pixels
     * @param height        image or video height in pixels
     * @param strength      how much of an edited image is replaced (0..1)
     * @param duration      audio length in seconds
     * @param frames        video frames
     */
    public record Defaults(int steps, double guidanceScale, int width, int height, double strength, double duration, int frames) {
    }

    /**
     * Audio geometry of AudioLDM: the vocoder's sample rate, mel bins, and samples per mel frame.
     */
    public record Audio(int sampleRate, int melBins, int hopLength) {
    }

    /**
     * One component's files by variant ({@code cpu}, {@code gpu}, {@code gpu-float16}, …).
     *
     * @param variants variant name to file
     */
    public record Component(Map<String, File> variants) {
        public Component {
            variants = Map.copyOf(variants);
        }

        /**
         * The file for a device: on a GPU a {@code gpu-float16} trace first, then {@code gpu}/{@code gpu-float32};
         * on the CPU {@code cpu}/{@code cpu-float32}.
         */
        public Optional<Variant> forDevice(boolean gpu) {
            List<String> order = gpu ? List.of("gpu-float16", "gpu-bfloat16", "gpu", "gpu-float32") : List.of("cpu", "cpu-float32");
            for (String key : order) {
                File file = variants.get(key);
                if (file != null) {
                    String dtype = key.contains("-") ? key.substring(key.indexOf('-') + 1) : "float32";
                    return Optional.of(new Variant(file, dtype));
                }
            }
            return Optional.empty();
        }
    }

    /** A TorchScript file and the method to call ({@code forward} unless the spec says {@code file.pt#method}). */
    public record File(Path path, String method) {
    }

    /** The file and dtype chosen for a device. */
    public record Variant(File file, String dtype) {
    }

    /**
     * Reads a spec file.
     *
     * @throws DiffusionModelException naming the file and the key when it is missing or malformed
     */
    public static DiffusionSpec read(Path file) {
        Objects.requireNonNull(file, "file");
        if (!Files.isRegularFile(file)) {
            throw new DiffusionModelException("diffusion spec " + file + " does not exist");
        }
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new DiffusionModelException("diffusion spec " + file + " is not valid JSON: " + firstLine(e), e);
        }
        if (!(root instanceof ObjectNode object)) {
            throw new DiffusionModelException("diffusion spec " + file + " must be a JSON object");
        }
        try {
            return parse(object, file.toAbsolutePath().getParent());
        } catch (IllegalArgumentException e) {
            throw new DiffusionModelException("diffusion spec " + file + ": " + e.getMessage(), e);
        }
    }

    /** A spec from parsed JSON, paths against {@code base}. @throws IllegalArgumentException naming the key */
    public static DiffusionSpec parse(ObjectNode root, Path base) {
        String name = text(root, "name").orElseThrow(() -> missing("name"));
        PipelineKind kind = PipelineKind.of(text(root, "pipeline").orElseThrow(() -> missing("pipeline")));
        JsonNode componentsNode = root.path("components");
        if (!componentsNode.isObject()) {
            throw missing("components");
        }
        Map<String, Component> components = new LinkedHashMap<>();
        componentsNode.fields().forEachRemaining(e -> components.put(e.getKey(), component(e.getKey(), e.getValue(), base)));
        List<String> absent = new ArrayList<>();
        for (String needed : kind.components()) {
            if (!components.containsKey(needed)) {
                absent.add(needed);
            }
        }
        if (!absent.isEmpty()) {
            throw new IllegalArgumentException("pipeline " + kind.task() + " needs components " + absent + " under \"components\"");
        }
        Path tokenizer = base.resolve(text(root, "tokenizer").orElseThrow(() -> missing("tokenizer"))).normalize();
        JsonNode schedulerNode = root.path("scheduler");
        String schedulerConfig = schedulerNode.isTextual() ? schedulerNode.asText() : text(schedulerNode, "config").orElseThrow(() -> missing("scheduler.config"));
        Optional<String> schedulerName = schedulerNode.isObject() ? text(schedulerNode, "name") : Optional.empty();
        schedulerName.ifPresent(s -> {
            if (!Scheduler.NAMES.contains(s)) {
                throw new IllegalArgumentException("scheduler.name '" + s + "' is not one of " + Scheduler.NAMES);
            }
        });
        JsonNode latent = root.path("latent");
        boolean audio = kind == PipelineKind.TEXT_TO_AUDIO;
        int channels = positive(latent, "channels", audio ? 8 : 4, "latent.channels");
        int downscale = positive(latent, "downscale", audio ? 4 : 8, "latent.downscale");
        JsonNode d = root.path("defaults");
        Defaults defaults = new Defaults(
                positive(d, "steps", 25, "defaults.steps"),
                d.path("guidanceScale").asDouble(kind == PipelineKind.TEXT_TO_AUDIO ? 2.5 : 7.5),
                positive(d, "width", 512, "defaults.width"),
                positive(d, "height", 512, "defaults.height"),
                d.path("strength").asDouble(0.75),
                d.path("duration").asDouble(5.0),
                positive(d, "frames", 16, "defaults.frames"));
        Audio audioGeometry = null;
        if (audio) {
            JsonNode a = root.path("audio");
            audioGeometry = new Audio(positive(a, "sampleRate", 16000, "audio.sampleRate"),
                    positive(a, "melBins", 64, "audio.melBins"), positive(a, "hopLength", 160, "audio.hopLength"));
            if (audioGeometry.melBins() % downscale != 0) {
                throw new IllegalArgumentException("audio.melBins " + audioGeometry.melBins() + " must be a multiple of latent.downscale " + downscale);
            }
        }
        String device = text(root, "device").orElse("auto").toLowerCase(Locale.ROOT);
        if (!List.of("auto", "cpu", "gpu").contains(device)) {
            throw new IllegalArgumentException("device '" + device + "' is not one of auto, cpu, gpu");
        }
        return new DiffusionSpec(name, kind,
                text(root, "description").orElse("Latent diffusion " + kind.task() + " pipeline '" + name + "' (DJL, in-process)."),
                components, tokenizer, base.resolve(schedulerConfig).normalize(), schedulerName,
                (float) root.path("vaeScalingFactor").asDouble(0.18215), channels, downscale, device, defaults,
                audioGeometry, positive(root.path("video"), "fps", 8, "video.fps"),
                positive(root, "capacity", 1, "capacity"), root.path("warmup").asBoolean(true));
    }

    /**
     * This spec with deployment overrides: another tool name, device, default scheduler or capacity.
     *
     * @throws IllegalArgumentException for a device or scheduler name that is not allowed
     */
    public DiffusionSpec with(Optional<String> newName, Optional<String> newDevice, Optional<String> newScheduler, Optional<Integer> newCapacity) {
        String d = newDevice.map(v -> v.toLowerCase(Locale.ROOT)).orElse(device);
        if (!List.of("auto", "cpu", "gpu").contains(d)) {
            throw new IllegalArgumentException("device '" + d + "' is not one of auto, cpu, gpu");
        }
        newScheduler.ifPresent(s -> {
            if (!Scheduler.NAMES.contains(s)) {
                throw new IllegalArgumentException("scheduler '" + s + "' is not one of " + Scheduler.NAMES);
            }
        });
        int c = newCapacity.orElse(capacity);
        if (c < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + c);
        }
        return new DiffusionSpec(newName.orElse(name), kind, description, components, tokenizer, schedulerConfig,
                newScheduler.isPresent() ? newScheduler : scheduler, vaeScalingFactor, latentChannels, downscale, d,
                defaults, audio, fps, c, warmup);
    }

    private static Component component(String name, JsonNode node, Path base) {
        Map<String, File> variants = new LinkedHashMap<>();
        if (node.isTextual()) {
            variants.put("cpu", file(node.asText(), base));
        } else if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (!VARIANT.matcher(e.getKey()).matches()) {
                    throw new IllegalArgumentException("components." + name + " has variant '" + e.getKey()
                            + "'; use cpu, gpu, or device-dtype such as gpu-float16");
                }
                if (!e.getValue().isTextual()) {
                    throw new IllegalArgumentException("components." + name + "." + e.getKey() + " must be a file name");
                }
                variants.put(e.getKey(), file(e.getValue().asText(), base));
            });
        } else {
            throw new IllegalArgumentException("components." + name + " must be a file name or an object of variants (cpu, gpu-float16, …)");
        }
        if (variants.isEmpty()) {
            throw new IllegalArgumentException("components." + name + " names no file");
        }
        return new Component(variants);
    }

    private static File file(String value, Path base) {
        int hash = value.indexOf('#');
        String path = hash < 0 ? value : value.substring(0, hash);
        String method = hash < 0 ? "forward" : value.substring(hash + 1);
        if (path.isBlank() || method.isBlank()) {
            throw new IllegalArgumentException("component file '" + value + "' must be file.pt or file.pt#method");
        }
        return new File(base.resolve(path).normalize(), method);
    }

    private static int positive(JsonNode node, String key, int fallback, String label) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.canConvertToInt() || v.asInt() < 1) {
            throw new IllegalArgumentException(label + " must be a positive integer, got " + v);
        }
        return v.asInt();
    }

    private static Optional<String> text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() || v.asText().isBlank() ? Optional.empty() : Optional.of(v.asText());
    }

    private static IllegalArgumentException missing(String key) {
        return new IllegalArgumentException("the key \"" + key + "\" is missing");
    }

    static String firstLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
