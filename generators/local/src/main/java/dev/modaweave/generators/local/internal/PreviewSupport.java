package dev.modaweave.generators.local.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.ArgumentsSchema;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.InvalidArgumentsException;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ToolCancelledException;
import dev.modaweave.tools.ToolDescriptor;

import java.util.Set;

/**
 * What every offline preview tool shares: a descriptor marked {@code preview}, its compiled
 * arguments schema, and the checks each {@code generate} starts with.
 */
public final class PreviewSupport {

    private final ToolDescriptor descriptor;
    private final ArgumentsSchema schema;

    private PreviewSupport(ToolDescriptor descriptor) {
        this.descriptor = descriptor;
        this.schema = ArgumentsSchema.compile(descriptor.name(), descriptor.argumentsSchema());
    }

    /**
     * @param example the example arguments as JSON text
     * @param inputs  the modalities the tool takes
     */
    public static PreviewSupport of(String name, String task, Set<Modality> inputs, Modality output, ObjectNode schema,
                                    String description, String example, int capacity) {
        return new PreviewSupport(ToolDescriptor.builder()
                .name(name)
                .task(task)
                .inputModalities(inputs)
                .outputModality(output)
                .argumentsSchema(schema)
                .description(description)
                .example((ObjectNode) Json.parse(example))
                .capacity(capacity)
                .preview(true)
                .build());
    }

    public ToolDescriptor descriptor() {
        return descriptor;
    }

    /**
     * Checks the arguments against the schema, then the cancellation, and returns the arguments.
     *
     * @throws InvalidArgumentsException naming the tool and every violation
     * @throws ToolCancelledException    when the call was cancelled before it started
     */
    public ObjectNode begin(GenerationRequest request) {
        schema.requireValid(request.arguments());
        request.cancellation().throwIfCancelled();
        return request.arguments();
    }

    /** The {@code seed} argument, 0 when absent: a preview is the same for the same prompt and seed. */
    public static long seed(ObjectNode arguments) {
        return arguments.path("seed").asLong(0);
    }
}
