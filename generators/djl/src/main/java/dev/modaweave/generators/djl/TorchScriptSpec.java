package dev.modaweave.generators.djl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.Tasks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What a TorchScript generator takes and returns, read from a small JSON spec file next to the
 * model (see the module's README):
 *
 * <pre>{@code
 * {"name": "tiny-image", "task": "text-to-image", "description": "…", "model": "tiny_image.pt",
 *  "inputs": {"conditioning": "embedding", "embeddingDim": 384, "noiseDim": 8},
 *  "output": {"kind": "image", "layout": "CHW", "range": "0..1"}}
 * }</pre>
 *
 * @param name          tool name
 * @param task          task it performs
 * @param description   for the tool catalog
 * @param model         the TorchScript file, resolved against the spec's directory
 * @param conditioning  how the prompt becomes the model's first input
 * @param embeddingDim  length of the conditioning vector (384 for all-MiniLM-L6-v2, or the token count)
 * @param noiseDim      length of the seeded Gaussian noise vector passed as second input; 0 for none
 * @param output        how to read the output tensor
 * @param device        {@code auto} (GPU when there is one), {@code cpu} or {@code gpu}
 * @param capacity      calls one worker runs at once
 */
public record TorchScriptSpec(String name, String task, String description, Path model, Conditioning conditioning,
                              int embeddingDim, int noiseDim, Output output, String device, int capacity) {

    /** How the prompt conditions the model. */
    public enum Conditioning {
        /** the 384-d all-MiniLM-L6-v2 sentence embedding, float32 {@code [1, 384]} */
        EMBEDDING,
        /** the prompt's UTF-8 bytes as token ids (0 pads), int64 {@code [1, embeddingDim]} */
        UTF8_BYTES
    }

    /**
     * How the output tensor becomes media.
     *
     * @param kind       image, audio or video
     * @param layout     image {@code CHW} or {@code HWC}; video {@code TCHW} or {@code THWC}; ignored for audio
     * @param range      value range of float outputs: {@code 0..1}, {@code -1..1} or {@code 0..255} (uint8 outputs are always 0..255)
     * @param sampleRate audio samples per second
     * @param fps        video frames per second
     */
    public record Output(Modality kind, String layout, String range, int sampleRate, int fps) {
        public Output {
            Objects.requireNonNull(kind, "kind");
        }
    }

    private static final Set<String> RANGES = Set.of("0..1", "-1..1", "0..255");
    private static final Set<String> TOP_LEVEL = Set.of("name", "task", "description", "model", "inputs", "output", "device", "capacity");

    /**
     * Reads and checks a spec file.
     *
     * @throws DjlModelException naming the file and the field that is missing or wrong
     */
    public static TorchScriptSpec read(Path specFile) {
        if (!Files.isRegularFile(specFile)) {
            throw new DjlModelException("model spec " + specFile + " does not exist; pass the path of a spec JSON file "
                    + "(see generators/djl/README.md)");
        }
        JsonNode root;
        try {
            root = Json.parse(Files.readString(specFile));
        } catch (IOException | IllegalArgumentException e) {
            throw new DjlModelException("model spec " + specFile + " is not readable JSON: " + e.getMessage(), e);
        }
        if (!root.isObject()) {
            throw new DjlModelException("model spec " + specFile + " must be a JSON object");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!TOP_LEVEL.contains(field)) {
                throw new DjlModelException("model spec " + specFile + " has unknown field '" + field + "'; known: " + TOP_LEVEL);
            }
        }
        var reader = new FieldReader(specFile);
        String name = reader.text(root, "name", null);
        if (!name.matches("[a-z0-9][a-z0-9_.-]{0,63}")) {
            throw reader.fail("name", "'" + name + "' is not a tool name (lower-case letters, digits, '-', '_', '.')");
        }
        String task = reader.text(root, "task", null);
        if (!Tasks.isWellFormed(task)) {
            throw reader.fail("task", "'" + task + "' is not a task name like text-to-image");
        }
        String modelName = reader.text(root, "model", null);
        Path dir = specFile.toAbsolutePath().getParent();
        Path model = dir.resolve(modelName).normalize();
        JsonNode inputs = root.path("inputs");
        Conditioning conditioning = switch (reader.text(inputs, "conditioning", "embedding")) {
            case "embedding" -> Conditioning.EMBEDDING;
            case "utf8-bytes" -> Conditioning.UTF8_BYTES;
            default -> throw reader.fail("inputs.conditioning", "must be \"embedding\" or \"utf8-bytes\"");
        };
        int embeddingDim = reader.integer(inputs, "embeddingDim", conditioning == Conditioning.EMBEDDING ? 384 : 64, 1, 65_536);
        if (conditioning == Conditioning.EMBEDDING && embeddingDim != 384) {
            throw reader.fail("inputs.embeddingDim", "is " + embeddingDim + " but all-MiniLM-L6-v2 embeddings have 384 dimensions");
        }
        int noiseDim = reader.integer(inputs, "noiseDim", 0, 0, 65_536);
        JsonNode out = root.path("output");
        Modality kind;
        try {
            kind = Modality.fromWireName(reader.text(out, "kind", null));
        } catch (IllegalArgumentException e) {
            throw reader.fail("output.kind", "must be image, audio or video");
        }
        if (kind == Modality.TEXT) {
            throw reader.fail("output.kind", "must be image, audio or video");
        }
        String layout = reader.text(out, "layout", kind == Modality.VIDEO ? "TCHW" : "CHW").toUpperCase(Locale.ROOT);
        Set<String> layouts = kind == Modality.VIDEO ? Set.of("TCHW", "THWC") : Set.of("CHW", "HWC");
        if (kind != Modality.AUDIO && !layouts.contains(layout)) {
            throw reader.fail("output.layout", "'" + layout + "' must be one of " + layouts);
        }
        String range = reader.text(out, "range", kind == Modality.AUDIO ? "-1..1" : "0..1");
        if (!RANGES.contains(range)) {
            throw reader.fail("output.range", "'" + range + "' must be one of " + RANGES);
        }
        int sampleRate = reader.integer(out, "sampleRate", 16_000, 1_000, 192_000);
        int fps = reader.integer(out, "fps", 8, 1, 60);
        String device = reader.text(root, "device", "auto");
        if (!Set.of("auto", "cpu", "gpu").contains(device)) {
            throw reader.fail("device", "'" + device + "' must be auto, cpu or gpu");
        }
        int capacity = reader.integer(root, "capacity", 1, 1, 64);
        String description = reader.text(root, "description", "TorchScript generator " + name + " run with DJL.");
        return new TorchScriptSpec(name, task, description, model, conditioning, embeddingDim, noiseDim,
                new Output(kind, layout, range, sampleRate, fps), device, capacity);
    }

    private record FieldReader(Path file) {
        String text(JsonNode node, String field, String fallback) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                if (fallback == null) {
                    throw fail(field, "is missing");
                }
                return fallback;
            }
            if (!value.isTextual() || value.asText().isBlank()) {
                throw fail(field, "must be a non-empty string");
            }
            return value.asText();
        }

        int integer(JsonNode node, String field, int fallback, int min, int max) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return fallback;
            }
            if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < min || value.asInt() > max) {
                throw fail(field, "must be an integer from " + min + " to " + max + ", got " + value);
            }
            return value.asInt();
        }

        DjlModelException fail(String field, String problem) {
            return new DjlModelException("model spec " + file + ": field '" + field + "' " + problem);
        }
    }
}
