package dev.modaweave.tools.contract;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.ArgumentsSchema;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.Tasks;
import dev.modaweave.tools.ToolDescriptor;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** The contract run against the smallest possible tool, so that the contract itself is tested here. */
class SolidColourToolContractTest extends GeneratorToolContract {

    /** Paints a 4x4 PNG in a colour derived from the prompt. */
    static final class SolidColourTool implements GeneratorTool {
        private final ToolDescriptor descriptor = ToolDescriptor.builder()
                .name("solid-colour")
                .task(Tasks.TEXT_TO_IMAGE)
                .outputModality(Modality.IMAGE)
                .argumentsSchema(args("""
                        {"type":"object","required":["prompt"],"additionalProperties":false,
                         "properties":{"prompt":{"type":"string","minLength":1}}}"""))
                .example(args("{\"prompt\":\"blue\"}"))
                .description("A 4x4 preview image in one colour derived from the prompt.")
                .preview(true)
                .build();
        private final ArgumentsSchema schema = ArgumentsSchema.compile(descriptor.name(), descriptor.argumentsSchema());

        @Override
        public ToolDescriptor descriptor() {
            return descriptor;
        }

        @Override
        public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
            schema.requireValid(request.arguments());
            request.cancellation().throwIfCancelled();
            var image = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
            int rgb = request.text("prompt", "").hashCode() & 0xFFFFFF;
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    image.setRGB(x, y, rgb);
                }
            }
            var out = new ByteArrayOutputStream();
            try {
                ImageIO.write(image, "png", out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new GenerationResult(out.toByteArray(), "image/png", Map.of("width", 4, "height", 4));
        }
    }

    @Override
    protected GeneratorTool createTool() {
        return new SolidColourTool();
    }

    @Override
    protected ObjectNode validArguments() {
        return args("{\"prompt\":\"a red fox\"}");
    }

    @Override
    protected List<ObjectNode> invalidArguments() {
        return List.of(args("{}"), args("{\"prompt\":\"\"}"), args("{\"prompt\":\"x\",\"seed\":1}"));
    }

    @Override
    protected boolean deterministic() {
        return true;
    }
}
