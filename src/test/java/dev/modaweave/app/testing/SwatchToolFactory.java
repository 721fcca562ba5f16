package dev.modaweave.app.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.ArgumentsSchema;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.GeneratorToolFactory;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.Tasks;
import dev.modaweave.tools.ToolDescriptor;
import dev.modaweave.tools.ToolSettings;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * A backend kind the application does not know, registered only by this test class path's
 * {@code META-INF/services/dev.modaweave.tools.GeneratorToolFactory}: {@code backend: test-swatch}
 * makes a text-to-image tool painting a 16x16 square in the entry's {@code colour} (hex, required).
 */
public final class SwatchToolFactory implements GeneratorToolFactory {

    @Override
    public String kind() {
        return "test-swatch";
    }

    @Override
    public String description() {
        return "Test backend: a 16x16 square in one configured colour.";
    }

    @Override
    public GeneratorTool create(ToolSettings settings) {
        String colour = settings.requireText("colour");
        if (!colour.matches("[0-9a-fA-F]{6}")) {
            throw new IllegalArgumentException("backend 'test-swatch': colour '" + colour + "' is not six hex digits");
        }
        return new Swatch(settings.name().orElse("swatch"), Integer.parseInt(colour, 16));
    }

    /** The tool a swatch entry becomes. */
    static final class Swatch implements GeneratorTool {
        private static final ObjectNode SCHEMA = (ObjectNode) Json.parse("""
                {"type":"object","required":["prompt"],"properties":{"prompt":{"type":"string","minLength":1}}}""");
        private final ToolDescriptor descriptor;
        private final ArgumentsSchema schema;
        private final int rgb;

        Swatch(String name, int rgb) {
            this.rgb = rgb;
            this.descriptor = ToolDescriptor.builder().name(name).task(Tasks.TEXT_TO_IMAGE).inputModalities(Modality.TEXT)
                    .outputModality(Modality.IMAGE).argumentsSchema(SCHEMA).example((ObjectNode) Json.parse("{\"prompt\":\"x\"}"))
                    .description("A square in one colour.").build();
            this.schema = ArgumentsSchema.compile(name, SCHEMA);
        }

        @Override
        public ToolDescriptor descriptor() {
            return descriptor;
        }

        @Override
        public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
            schema.requireValid(request.arguments());
            BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 16; x++) {
                    image.setRGB(x, y, rgb);
                }
            }
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            try {
                ImageIO.write(image, "png", png);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new GenerationResult(png.toByteArray(), "image/png", Map.of("width", 16, "height", 16, "colour", rgb));
        }
    }
}
