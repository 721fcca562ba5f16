package dev.modaweave.generators.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.generators.http.internal.BackendClient;
import dev.modaweave.generators.http.internal.Call;
import dev.modaweave.generators.http.internal.MediaCheck;
import dev.modaweave.generators.http.internal.Schemas;
import dev.modaweave.generators.http.internal.Text;
import dev.modaweave.generators.http.internal.ToolSupport;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.MediaTypes;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.NonRetriableToolException;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.ToolCancelledException;
import dev.modaweave.tools.ToolDescriptor;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Any Replicate model as a tool. The prediction is created with {@code Prefer: wait} so that fast
 * models answer at once; otherwise {@code urls.get} is polled (progress read from the
 * percentage in the model's logs), and cancelling calls {@code urls.cancel}. The output URL is
 * fetched through the address guard, without the API token.
 */
public final class ReplicateTool extends HttpGeneratorTool<ReplicateConfig> {

    private static final Pattern PERCENT = Pattern.compile("(\\d{1,3})%\\|");

    public ReplicateTool(ReplicateConfig config) {
        super(config, new BackendClient("Replicate", config.http(), BackendClient.Auth.BEARER), describe(config));
    }

    private static ToolDescriptor describe(ReplicateConfig config) {
        Schemas schema = Schemas.object()
                .text("prompt", "what the " + config.output().wireName() + " shows or sounds like", 4000, true)
                .integer("seed", "random seed; the same seed and prompt give the same output", 0, Integer.MAX_VALUE);
        ObjectNode example = Json.object().put("prompt", "a paper boat drifting down a rainy street");
        if (config.takesImage()) {
            schema.artifact("image", Modality.IMAGE, "the image the model starts from", true);
            example.put("image", "art_aaaaaaaaaaaaaaaaaaaaaaaaaa");
        }
        return ToolSupport.describe(config.http(), config.takesImage(), config.output(), schema, example,
                "Generates " + config.output().wireName() + " with the Replicate model " + config.model() + ".");
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
        Call call = support.begin(request, client);
        long seed = support.seed(request);
        ObjectNode input = config.input();
        input.put(config.promptInput(), request.text("prompt", ""));
        input.put("seed", seed);
        if (config.takesImage()) {
            GenerationRequest.InputArtifact image = support.input(request, "image");
            input.put(config.imageInput(), "data:" + MediaTypes.normalize(image.artifact().mimeType()) + ";base64,"
                    + Base64.getEncoder().encodeToString(image.bytes()));
        }
        ObjectNode body = Json.object();
        String path;
        if (config.version() != null) {
            body.put("version", config.version());
            path = "/v1/predictions";
        } else {
            String[] ownerName = config.model().split("/");
            path = "/v1/models/" + enc(ownerName[0]) + "/" + enc(ownerName[1]) + "/predictions";
        }
        body.set("input", input);
        Map<String, String> headers = config.preferWait().isZero() ? Map.of()
                : Map.of("Prefer", "wait=" + config.preferWait().toSeconds());
        progress.progress(0, "sent to Replicate");
        JsonNode prediction = client.postJson(call, path, body, headers, null);
        String id = prediction.path("id").asText("");
        if (id.isEmpty() || !prediction.path("status").isTextual()) {
            throw client.unexpected("a prediction \"id\" and \"status\"", prediction);
        }
        try {
            while (!terminal(prediction.path("status").asText())) {
                report(prediction, progress);
                call.pause(client.settings().pollInterval());
                prediction = client.getJson(call, ownUrl(prediction.path("urls").path("get").asText(""),
                        "/v1/predictions/" + enc(id)));
            }
        } catch (ToolCancelledException e) {
            client.notifyQuietly("POST", ownUrl(prediction.path("urls").path("cancel").asText(""),
                    "/v1/predictions/" + enc(id) + "/cancel"), null);
            throw e;
        }
        String status = prediction.path("status").asText();
        if (!status.equals("succeeded")) {
            String error = prediction.path("error").isNull() || prediction.path("error").isMissingNode()
                    ? "no error message" : Text.shorten(prediction.path("error").asText(prediction.path("error").toString()), 200);
            if (status.equals("canceled")) {
                throw new ToolCancelledException(client.describe() + ": prediction " + id + " was canceled on Replicate");
            }
            throw new NonRetriableToolException(client.describe() + ": prediction " + id + " of " + config.model()
                    + " failed: " + error);
        }
        String output = firstUrl(prediction.path("output"));
        if (output == null) {
            throw client.unexpected("an \"output\" URL in the succeeded prediction " + id, prediction);
        }
        byte[] bytes = output.startsWith("data:") ? client.base64(output, "the output") : client.download(call, parse(output));
        String mime = MediaCheck.require(bytes, config.output(), client.describe() + " output of prediction " + id);
        progress.progress(1, "done");
        Map<String, Object> attributes = config.output() == Modality.IMAGE
                ? new HashMap<>(ToolSupport.imageAttributes(bytes, seed)) : new HashMap<>(Map.of("seed", seed));
        attributes.put("model", config.model());
        return new GenerationResult(bytes, mime, attributes);
    }

    private static boolean terminal(String status) {
        return status.equals("succeeded") || status.equals("failed") || status.equals("canceled");
    }

    private static void report(JsonNode prediction, ProgressListener progress) {
        String status = prediction.path("status").asText();
        Matcher m = PERCENT.matcher(prediction.path("logs").asText(""));
        int percent = -1;
        while (m.find()) {
            percent = Integer.parseInt(m.group(1));
        }
        if (percent >= 0) {
            progress.progress(Math.min(100, percent) / 100.0, status + " " + Math.min(100, percent) + "%");
        } else {
            progress.progress(0, status);
        }
    }

    /** Replicate's own URL for the prediction when it is on the base URL's origin, else the documented path there. */
    private URI ownUrl(String given, String fallbackPath) {
        if (!given.isEmpty()) {
            try {
                URI uri = URI.create(given);
                if (client.sameOrigin(uri)) {
                    return uri;
                }
            } catch (IllegalArgumentException e) {
                return client.uri(fallbackPath);
            }
        }
        return client.uri(fallbackPath);
    }

    private URI parse(String url) {
        try {
            return URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new UnexpectedResponseException(client.describe() + " returned an output that is not a URL: " + Text.shorten(url, 120), e);
        }
    }

    private static String firstUrl(JsonNode output) {
        if (output.isTextual()) {
            return output.asText();
        }
        for (JsonNode item : output) {
            String found = firstUrl(item);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
