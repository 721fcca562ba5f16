package dev.modaweave.generators.http;

import dev.modaweave.generators.http.internal.BackendClient;
import dev.modaweave.generators.http.internal.Call;
import dev.modaweave.generators.http.internal.MediaCheck;
import dev.modaweave.generators.http.internal.Multipart;
import dev.modaweave.generators.http.internal.Schemas;
import dev.modaweave.generators.http.internal.ToolSupport;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.MediaTypes;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.NonRetriableToolException;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.ToolDescriptor;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Images from the Stability AI v2beta API: a multipart {@code POST
 * /v2beta/stable-image/generate/{core|ultra|sd3}} with {@code accept: image/*}; edits use the sd3
 * service's image-to-image mode with {@code strength}. A result blocked by the content filter
 * ({@code finish-reason: CONTENT_FILTERED}) is an error, not an image.
 */
public final class StabilityTool extends HttpGeneratorTool<StabilityConfig> {

    public StabilityTool(StabilityConfig config) {
        super(config, new BackendClient("Stability", config.http(), BackendClient.Auth.BEARER), describe(config));
    }

    private static ToolDescriptor describe(StabilityConfig config) {
        Schemas schema = Schemas.object()
                .text("prompt", "what the image shows", 10000, true)
                .text("negative_prompt", "what the image must not show", 10000, false)
                .integer("seed", "random seed; the same seed and prompt give the same image", 0, Integer.MAX_VALUE);
        var example = Json.object().put("prompt", "a lighthouse on a cliff, oil painting");
        if (config.edits()) {
            schema.artifact("image", Modality.IMAGE, "the image to edit", true)
                    .number("strength", "how much to change the image: 0 keeps it, 1 replaces it", 0, 1);
            example.put("image", "art_aaaaaaaaaaaaaaaaaaaaaaaaaa").put("strength", 0.6);
        }
        return ToolSupport.describe(config.http(), config.edits(), Modality.IMAGE, schema, example,
                (config.edits() ? "Edits an image following a prompt" : "Generates an image from a prompt")
                        + " with Stability AI (stable-image " + config.service() + ").");
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
        Call call = support.begin(request, client);
        long seed = support.seed(request);
        Multipart form = new Multipart()
                .field("prompt", request.text("prompt", ""))
                .field("seed", Long.toString(seed))
                .field("output_format", config.outputFormat());
        String negative = request.text("negative_prompt", "");
        if (!negative.isEmpty()) {
            form.field("negative_prompt", negative);
        }
        if (config.model() != null) {
            form.field("model", config.model());
        }
        if (config.edits()) {
            GenerationRequest.InputArtifact image = support.input(request, "image");
            String mime = MediaTypes.normalize(image.artifact().mimeType());
            form.field("mode", "image-to-image")
                    .field("strength", Double.toString(ToolSupport.number(request, "strength", 0.6)))
                    .file("image", "image." + mime.substring(mime.indexOf('/') + 1), mime, image.bytes());
        } else if (config.aspectRatio() != null) {
            form.field("aspect_ratio", config.aspectRatio());
        }
        progress.progress(0, "sent to Stability");
        BackendClient.Response response = client.post(call, "/v2beta/stable-image/generate/" + config.service(),
                form.contentType(), form.bytes(), Map.of("Accept", "image/*"));
        String finish = response.headers().firstValue("finish-reason").orElse("SUCCESS").toUpperCase(Locale.ROOT);
        if (finish.equals("CONTENT_FILTERED")) {
            throw new NonRetriableToolException(client.describe() + ": the content filter blocked the image for this prompt;"
                    + " rephrase the prompt");
        }
        byte[] bytes = response.body();
        String mime = MediaCheck.require(bytes, Modality.IMAGE, client.describe());
        String seedHeader = response.headers().firstValue("seed").orElse("");
        long reportedSeed = seedHeader.matches("\\d{1,18}") ? Long.parseLong(seedHeader) : seed;
        progress.progress(1, "done");
        return new GenerationResult(bytes, mime, new HashMap<>(ToolSupport.imageAttributes(bytes, reportedSeed)));
    }
}
