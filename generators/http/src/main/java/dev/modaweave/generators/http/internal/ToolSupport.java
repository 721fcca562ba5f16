package dev.modaweave.generators.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.generators.http.HttpToolSettings;
import dev.modaweave.tools.ArgumentsSchema;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.InvalidArgumentsException;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ToolDescriptor;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** What every HTTP tool does around its backend call: argument checks, inputs, seeds, image sizes. */
public final class ToolSupport {

    private final ToolDescriptor descriptor;
    private final ArgumentsSchema schema;

    public ToolSupport(ToolDescriptor descriptor) {
        this.descriptor = descriptor;
        this.schema = ArgumentsSchema.compile(descriptor.name(), descriptor.argumentsSchema());
    }

    public ToolDescriptor descriptor() {
        return descriptor;
    }

    /**
     * A descriptor as every HTTP tool builds it: name, task and capacity from its settings; text in,
     * plus an image when {@code takesImage}.
     */
    public static ToolDescriptor describe(HttpToolSettings http, boolean takesImage, Modality output, Schemas schema,
                                          ObjectNode example, String description) {
        return ToolDescriptor.builder()
                .name(http.name())
                .task(http.task())
                .inputModalities(takesImage ? Set.of(Modality.TEXT, Modality.IMAGE) : Set.of(Modality.TEXT))
                .outputModality(output)
                .argumentsSchema(schema.build())
                .description(description)
                .example(example)
                .capacity(http.capacity())
                .build();
    }

    /**
     * What every call starts with: stop if already cancelled, check the arguments, then open a call on
     * {@code client} that ends when the request is cancelled.
     *
     * @throws InvalidArgumentsException naming the tool and every violation
     */
    public Call begin(GenerationRequest request, BackendClient client) {
        request.cancellation().throwIfCancelled();
        validate(request);
        return client.start(request.cancellation());
    }

    /** @throws InvalidArgumentsException naming the tool and every violation */
    public void validate(GenerationRequest request) {
        schema.requireValid(request.arguments());
    }

    /** The bytes of input artifact {@code argument}. @throws InvalidArgumentsException when it was not handed over */
    public GenerationRequest.InputArtifact input(GenerationRequest request, String argument) {
        GenerationRequest.InputArtifact input = request.inputs().get(argument);
        if (input == null) {
            throw new InvalidArgumentsException("tool '" + descriptor.name() + "' needs the artifact of argument '" + argument
                    + "' but the request carries no such input");
        }
        return input;
    }

    /** The {@code seed} argument, or a fresh random one (reported back so the result can be reproduced). */
    public long seed(GenerationRequest request) {
        JsonNode seed = request.arguments().get("seed");
        return seed != null && seed.canConvertToLong() ? seed.asLong() : ThreadLocalRandom.current().nextLong(0, Integer.MAX_VALUE);
    }

    /** An integer argument or {@code fallback}. */
    public static int integer(GenerationRequest request, String name, int fallback) {
        JsonNode node = request.arguments().get(name);
        return node != null && node.canConvertToInt() ? node.asInt() : fallback;
    }

    /** A number argument or {@code fallback}. */
    public static double number(GenerationRequest request, String name, double fallback) {
        JsonNode node = request.arguments().get(name);
        return node != null && node.isNumber() ? node.asDouble() : fallback;
    }

    /** Attributes of a produced image: its seed and, when the format is readable, its width and height. */
    public static Map<String, Object> imageAttributes(byte[] image, long seed) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("seed", seed);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(image))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers != null && readers.hasNext()) {
                ImageReader reader = readers.next();
                try {
                    reader.setInput(in);
                    attributes.put("width", reader.getWidth(0));
                    attributes.put("height", reader.getHeight(0));
                } finally {
                    reader.dispose();
                }
            }
        } catch (IOException | RuntimeException e) {
            attributes.remove("width");
            attributes.remove("height");
        }
        return attributes;
    }
}
