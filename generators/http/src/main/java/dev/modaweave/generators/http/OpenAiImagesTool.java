package dev.modaweave.generators.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.ToolDescriptor;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * Images from an OpenAI-compatible API: {@code POST /v1/images/generations}, or
 * {@code /v1/images/edits} (multipart) for edits. The image comes back as {@code b64_json} or as
 * a {@code url}, which is fetched only when the address guard allows it (public address, host in
 * {@code allowedMediaHosts} when set).
 */
public final class OpenAiImagesTool extends HttpGeneratorTool<OpenAiImagesConfig> {

    public OpenAiImagesTool(OpenAiImagesConfig config) {
        super(config, new BackendClient("OpenAI images", config.http(), BackendClient.Auth.BEARER), describe(config));
    }

    private static ToolDescriptor describe(OpenAiImagesConfig config) {
        Schemas schema = Schemas.object().text("prompt", "what the image shows", 4000, true);
        ObjectNode example = Json.object().put("prompt", "a watercolour lighthouse at dusk");
        if (config.edits()) {
            schema.artifact("image", Modality.IMAGE, "the image to edit", true);
            example.put("image", "art_aaaaaaaaaaaaaaaaaaaaaaaaaa");
        }
        return ToolSupport.describe(config.http(), config.edits(), Modality.IMAGE, schema, example, config.edits()
                ? "Edits an image following a prompt with model " + config.model() + " (OpenAI-compatible images API)."
                : "Generates an image from a prompt with model " + config.model() + " (OpenAI-compatible images API).");
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
        Call call = support.begin(request, client);
        String prompt = request.text("prompt", "");
        progress.progress(0, "sent to " + config.model());
        JsonNode answer;
        if (config.edits()) {
            GenerationRequest.InputArtifact input = support.input(request, "image");
            String mime = MediaTypes.normalize(input.artifact().mimeType());
            Multipart form = new Multipart()
                    .field("model", config.model())
                    .field("prompt", prompt)
                    .field("n", "1")
                    .file("image", "image." + mime.substring(mime.indexOf('/') + 1), mime, input.bytes());
            if (config.size() != null) {
                form.field("size", config.size());
            }
            if (config.responseFormat() != null) {
                form.field("response_format", config.responseFormat());
            }
            answer = client.postMultipartJson(call, "/v1/images/edits", form, Map.of());
        } else {
            ObjectNode body = Json.object().put("model", config.model()).put("prompt", prompt).put("n", 1);
            if (config.size() != null) {
                body.put("size", config.size());
            }
            if (config.responseFormat() != null) {
                body.put("response_format", config.responseFormat());
            }
            if (config.quality() != null) {
                body.put("quality", config.quality());
            }
            answer = client.postJson(call, "/v1/images/generations", body, Map.of(), null);
        }
        JsonNode first = answer.path("data").path(0);
        byte[] bytes;
        if (first.path("b64_json").isTextual()) {
            bytes = client.base64(first.path("b64_json").asText(), "the image");
        } else if (first.path("url").isTextual()) {
            URI url;
            try {
                url = URI.create(first.path("url").asText());
            } catch (IllegalArgumentException e) {
                throw client.unexpected("a valid image \"url\"", first);
            }
            bytes = client.download(call, url);
        } else {
            throw client.unexpected("\"data\"[0] with \"b64_json\" or \"url\"", answer);
        }
        String mime = MediaCheck.require(bytes, Modality.IMAGE, client.describe());
        progress.progress(1, "done");
        Map<String, Object> attributes = new HashMap<>(ToolSupport.imageAttributes(bytes, 0));
        attributes.remove("seed");
        attributes.put("model", config.model());
        JsonNode revised = first.path("revised_prompt");
        if (revised.isTextual()) {
            attributes.put("revisedPrompt", revised.asText());
        }
        return new GenerationResult(bytes, mime, attributes);
    }
}
