package dev.modaweave.generators.local.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.ArgumentsSchema;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.InvalidArgumentsException;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ProgressListener;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/** What the offline describers share: their arguments schema, the input artifact lookup and the finished result. */
public final class Describers {

    /** How every offline description starts, so neither a model nor a person takes it for a caption. */
    public static final String LABEL = "Offline description (measured; no captioning model is configured):";

    private Describers() {
    }

    /** {@code {"<modality>": artifact id, "prompt": optional question}}. */
    public static ObjectNode schema(Modality modality, String description) {
        ObjectNode schema = (ObjectNode) Json.parse("""
                {"type":"object","additionalProperties":false,
                 "properties":{"prompt":{"type":"string","maxLength":2000,
                   "description":"an optional question about the medium; offline describers state the same facts whatever it asks"}}}""");
        schema.putArray("required").add(modality.wireName());
        ((ObjectNode) schema.get("properties")).set(modality.wireName(), ArgumentsSchema.artifactProperty(modality, description));
        return schema;
    }

    /**
     * A describer's descriptor and checks: it takes one {@code modality} artifact (described to the
     * model as {@code argument}), answers text, runs two at a time and is marked a preview.
     */
    public static PreviewSupport support(String name, String task, Modality modality, String argument, String description) {
        return PreviewSupport.of(name, task, Set.of(modality), Modality.TEXT, schema(modality, argument), description,
                "{\"" + modality.wireName() + "\":\"art_aaaaaaaaaaaaaaaaaaaaaaaaaa\"}", 2);
    }

    /** The input artifact of the call's {@code <modality>} argument. */
    public static GenerationRequest.InputArtifact input(GenerationRequest request, String tool, Modality modality) {
        GenerationRequest.InputArtifact input = request.inputs().get(modality.wireName());
        if (input == null) {
            throw new InvalidArgumentsException("arguments for '" + tool + "' are invalid: the input artifact for '"
                    + modality.wireName() + "' was not handed to the tool; pass it in GenerationRequest.inputs()");
        }
        return input;
    }

    /** Reports the call done and answers the description as UTF-8 plain text with {@code attributes}. */
    public static GenerationResult described(CharSequence text, ProgressListener progress, Map<String, Object> attributes) {
        progress.progress(1, "described");
        return new GenerationResult(text.toString().getBytes(StandardCharsets.UTF_8), "text/plain", attributes);
    }
}
