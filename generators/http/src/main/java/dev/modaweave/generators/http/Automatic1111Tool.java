package dev.modaweave.generators.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.generators.http.internal.BackendClient;
import dev.modaweave.generators.http.internal.Call;
import dev.modaweave.generators.http.internal.MediaCheck;
import dev.modaweave.generators.http.internal.Schemas;
import dev.modaweave.generators.http.internal.ToolSupport;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.ToolCancelledException;
import dev.modaweave.tools.ToolDescriptor;

import java.util.Base64;
import java.util.Map;

/**
 * Stable Diffusion through the AUTOMATIC1111 / Forge web UI API: {@code /sdapi/v1/txt2img} for
 * text-to-image, {@code /sdapi/v1/img2img} with {@code denoising_strength} for edits (SDEdit).
 * Progress comes from polling {@code /sdapi/v1/progress} while the call runs; cancelling aborts
 * the request and sends {@code /sdapi/v1/interrupt}.
 */
public final class Automatic1111Tool extends HttpGeneratorTool<Automatic1111Config> {

    public Automatic1111Tool(Automatic1111Config config) {
        this(config, new BackendClient("AUTOMATIC1111", config.http(), BackendClient.Auth.BASIC));
    }

    Automatic1111Tool(Automatic1111Config config, BackendClient client) {
        super(config, client, describe(config));
    }

    private static ToolDescriptor describe(Automatic1111Config config) {
        Schemas schema = Schemas.object()
                .text("prompt", "what the image shows", 4000, true)
                .text("negative_prompt", "what the image must not show", 2000, false)
                .integer("seed", "random seed; the same seed and prompt give the same image", 0, Integer.MAX_VALUE)
                .integer("width", "width in pixels, a multiple of 8", 64, 2048)
                .integer("height", "height in pixels, a multiple of 8", 64, 2048)
                .integer("steps", "sampling steps", 1, 150);
        ObjectNode example = Json.object().put("prompt", "a red fox in fresh snow, morning light");
        if (config.edits()) {
            schema.artifact("image", Modality.IMAGE, "the image to edit", true)
                    .number("strength", "how much to change the image: 0 keeps it, 1 replaces it", 0, 1);
            example.put("image", "art_aaaaaaaaaaaaaaaaaaaaaaaaaa").put("strength", 0.6);
        }
        return ToolSupport.describe(config.http(), config.edits(), Modality.IMAGE, schema, example, config.edits()
                ? "Edits an image following a prompt with Stable Diffusion img2img (AUTOMATIC1111); strength sets how much changes."
                : "Generates an image from a text prompt with Stable Diffusion (AUTOMATIC1111).");
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
        Call call = support.begin(request, client);
        long seed = support.seed(request);
        ObjectNode body = Json.object()
                .put("prompt", request.text("prompt", ""))
                .put("negative_prompt", request.text("negative_prompt", config.negativePrompt()))
                .put("seed", seed)
                .put("width", ToolSupport.integer(request, "width", config.width()))
                .put("height", ToolSupport.integer(request, "height", config.height()))
                .put("steps", ToolSupport.integer(request, "steps", config.steps()))
                .put("cfg_scale", config.cfgScale())
                .put("sampler_name", config.sampler())
                .put("send_images", true)
                .put("save_images", false);
        if (config.checkpoint() != null) {
            body.putObject("override_settings").put("sd_model_checkpoint", config.checkpoint());
            body.put("override_settings_restore_afterwards", false);
        }
        String path = "/sdapi/v1/txt2img";
        if (config.edits()) {
            byte[] image = support.input(request, "image").bytes();
            body.putArray("init_images").add(Base64.getEncoder().encodeToString(image));
            body.put("denoising_strength", ToolSupport.number(request, "strength", 0.6));
            path = "/sdapi/v1/img2img";
        }
        progress.progress(0, "sent to AUTOMATIC1111");
        JsonNode answer;
        try {
            answer = client.postJson(call, path, body, Map.of(), () -> reportProgress(call, progress));
        } catch (ToolCancelledException e) {
            client.notifyQuietly("POST", client.uri("/sdapi/v1/interrupt"), null);
            throw e;
        }
        JsonNode images = answer.path("images");
        if (!images.isArray() || images.isEmpty() || !images.get(0).isTextual()) {
            throw client.unexpected("an \"images\" array holding a base64 image", answer);
        }
        byte[] bytes = client.base64(images.get(0).asText(), "the image");
        String mime = MediaCheck.require(bytes, Modality.IMAGE, client.describe());
        progress.progress(1, "done");
        return new GenerationResult(bytes, mime, ToolSupport.imageAttributes(bytes, reportedSeed(answer, seed)));
    }

    private void reportProgress(Call call, ProgressListener progress) {
        JsonNode state = client.pollQuietly(call, client.uri("/sdapi/v1/progress?skip_current_image=true"));
        if (state == null || !state.path("progress").isNumber()) {
            return;
        }
        double fraction = Math.max(0, Math.min(1, state.path("progress").asDouble()));
        int step = state.path("state").path("sampling_step").asInt(0);
        int steps = state.path("state").path("sampling_steps").asInt(0);
        progress.progress(fraction, steps > 0 ? "step " + step + "/" + steps : "running");
    }

    private static long reportedSeed(JsonNode answer, long requested) {
        JsonNode info = answer.path("info");
        if (info.isTextual()) {
            try {
                JsonNode parsed = Json.parse(info.asText());
                if (parsed.path("seed").canConvertToLong()) {
                    return parsed.path("seed").asLong();
                }
            } catch (IllegalArgumentException e) {
                return requested;
            }
        }
        return requested;
    }
}
