package dev.modaweave.generators.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.generators.media.Media;
import dev.modaweave.generators.local.internal.PreviewPainter;
import dev.modaweave.generators.local.internal.PreviewSupport;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.Tasks;

import java.util.Map;
import java.util.Set;

/**
 * {@code preview-image}: a deterministic PNG whose colours, shapes and caption come from the
 * prompt. A stand-in for a real text-to-image model, so that an offline run produces real files.
 */
public final class PreviewImageTool extends PreviewSupportedTool {

    /** The tool's name. */
    public static final String NAME = "preview-image";

    private static final ObjectNode SCHEMA = (ObjectNode) Json.parse("""
            {"type":"object","required":["prompt"],"additionalProperties":false,
             "properties":{
               "prompt":{"type":"string","minLength":1,"maxLength":2000,"description":"what the image shows"},
               "width":{"type":"integer","minimum":64,"maximum":1024,"default":512},
               "height":{"type":"integer","minimum":64,"maximum":1024,"default":512},
               "seed":{"type":"integer","minimum":0,"maximum":2147483647,"description":"varies the picture for the same prompt"}}}""");

    /** The tool, ready to use. */
    public PreviewImageTool() {
        super(PreviewSupport.of(NAME, Tasks.TEXT_TO_IMAGE, Set.of(Modality.TEXT), Modality.IMAGE, SCHEMA,
                "Offline preview of text-to-image: a deterministic PNG of shapes and colours taken "
                        + "from the prompt, captioned with it. Not a real image model.",
                "{\"prompt\":\"a red fox in the snow\",\"width\":512,\"height\":512}", 4));
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
        ObjectNode args = support.begin(request);
        int width = args.path("width").asInt(512);
        int height = args.path("height").asInt(512);
        long seed = PreviewSupport.seed(args);
        byte[] png = Media.png(PreviewPainter.paint(args.get("prompt").asText(), seed, width, height, 0));
        progress.progress(1, "painted");
        return new GenerationResult(png, "image/png",
                Map.of("width", width, "height", height, "seed", seed, "preview", true));
    }
}
