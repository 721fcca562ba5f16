package dev.modaweave.generators.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.modaweave.generators.http.internal.BackendClient;
import dev.modaweave.generators.http.internal.Call;
import dev.modaweave.generators.http.internal.EventSocket;
import dev.modaweave.generators.http.internal.MediaCheck;
import dev.modaweave.generators.http.internal.Multipart;
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

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Any ComfyUI workflow as a tool: image, video or audio. The workflow template's placeholders are
 * filled in and queued with {@code POST /prompt}; {@code /history/{prompt_id}} is polled until the
 * outputs are there, while step progress comes over ComfyUI's websocket (or, without it, the
 * queued/running state from {@code /queue}), and the output file is
 * fetched with {@code GET /view}. A workflow with {@code {{image}}} first uploads the input image
 * with {@code POST /upload/image}. Cancelling deletes the prompt from the queue and interrupts it.
 */
public final class ComfyUiTool extends HttpGeneratorTool<ComfyUiConfig> {

    private static final Map<Modality, Set<String>> EXTENSIONS = Map.of(
            Modality.IMAGE, Set.of("png", "jpg", "jpeg", "webp", "gif"),
            Modality.VIDEO, Set.of("mp4", "webm", "mov", "mkv"),
            Modality.AUDIO, Set.of("wav", "mp3", "flac", "ogg", "opus", "m4a"));

    public ComfyUiTool(ComfyUiConfig config) {
        super(config, new BackendClient("ComfyUI", config.http(), BackendClient.Auth.BEARER), describe(config));
    }

    private static ToolDescriptor describe(ComfyUiConfig config) {
        Set<String> used = config.workflow().placeholders();
        Schemas schema = Schemas.object().text("prompt", "what the " + config.output().wireName() + " shows or sounds like", 4000, true);
        ObjectNode example = Json.object().put("prompt", switch (config.output()) {
            case VIDEO -> "a paper boat drifting down a rainy street";
            case AUDIO -> "rain on a tin roof with distant thunder";
            default -> "a red fox in fresh snow, morning light";
        });
        if (used.contains("negative_prompt")) {
            schema.text("negative_prompt", "what must not appear", 2000, false);
        }
        if (used.contains("seed")) {
            schema.integer("seed", "random seed; the same seed and prompt give the same output", 0, Integer.MAX_VALUE);
        }
        if (used.contains("width")) {
            schema.integer("width", "width in pixels", 64, 4096);
        }
        if (used.contains("height")) {
            schema.integer("height", "height in pixels", 64, 4096);
        }
        if (used.contains("frames")) {
            schema.integer("frames", "number of frames (video) or length in the workflow's unit (audio)", 1, 1000);
        }
        if (used.contains("image")) {
            schema.artifact("image", Modality.IMAGE, "the image the workflow starts from", true);
            example.put("image", "art_aaaaaaaaaaaaaaaaaaaaaaaaaa");
        }
        if (used.contains("strength")) {
            schema.number("strength", "how much to change the input: 0 keeps it, 1 replaces it", 0, 1);
        }
        return ToolSupport.describe(config.http(), used.contains("image"), config.output(), schema, example,
                "Generates " + config.output().wireName() + " from a prompt with a ComfyUI workflow"
                        + (used.contains("image") ? " that starts from an input image." : "."));
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
        Call call = support.begin(request, client);
        long seed = support.seed(request);
        Map<String, JsonNode> values = new HashMap<>();
        values.put("prompt", TextNode.valueOf(request.text("prompt", "")));
        values.put("negative_prompt", TextNode.valueOf(request.text("negative_prompt", config.negativePrompt())));
        values.put("seed", LongNode.valueOf(seed));
        values.put("width", IntNode.valueOf(ToolSupport.integer(request, "width", config.width())));
        values.put("height", IntNode.valueOf(ToolSupport.integer(request, "height", config.height())));
        values.put("frames", IntNode.valueOf(ToolSupport.integer(request, "frames", config.frames())));
        values.put("strength", DoubleNode.valueOf(ToolSupport.number(request, "strength", 0.6)));
        if (config.takesImage()) {
            values.put("image", TextNode.valueOf(upload(call, request)));
        }
        String clientId = UUID.randomUUID().toString();
        StepProgress steps = new StepProgress(progress);
        JsonNode outputs;
        EventSocket events = config.websocket()
                ? client.openEvents(call, "/ws?clientId=" + enc(clientId), steps::onEvent)
                : EventSocket.none();
        try {
            ObjectNode body = Json.object();
            body.set("prompt", config.workflow().fill(values));
            body.put("client_id", clientId);
            JsonNode queued = client.postJson(call, "/prompt", body, Map.of(), null);
            JsonNode idNode = queued.path("prompt_id");
            if (!idNode.isTextual() || idNode.asText().isBlank()) {
                throw client.unexpected("a \"prompt_id\"", queued);
            }
            String id = idNode.asText();
            steps.queued(id);
            try {
                outputs = awaitOutputs(call, id, steps, progress);
            } catch (ToolCancelledException e) {
                ObjectNode delete = Json.object();
                delete.putArray("delete").add(id);
                client.notifyQuietly("POST", client.uri("/queue"), delete);
                client.notifyQuietly("POST", client.uri("/interrupt"), Json.object().put("prompt_id", id));
                throw e;
            }
        } finally {
            events.close();
        }
        OutputFile file = pick(outputs);
        byte[] bytes = client.download(call, client.uri("/view?filename=" + enc(file.filename()) + "&subfolder="
                + enc(file.subfolder()) + "&type=" + enc(file.type())));
        String mime = MediaCheck.require(bytes, config.output(), client.describe() + " output '" + file.filename() + "'");
        progress.progress(1, "done");
        Map<String, Object> attributes = config.output() == Modality.IMAGE
                ? new HashMap<>(ToolSupport.imageAttributes(bytes, seed)) : new HashMap<>(Map.of("seed", seed));
        if (config.output() == Modality.VIDEO && config.workflow().placeholders().contains("frames")) {
            attributes.put("frames", ToolSupport.integer(request, "frames", config.frames()));
        }
        return new GenerationResult(bytes, mime, attributes);
    }

    private String upload(Call call, GenerationRequest request) {
        GenerationRequest.InputArtifact input = support.input(request, "image");
        String mime = MediaTypes.normalize(input.artifact().mimeType());
        String extension = mime.substring(mime.indexOf('/') + 1).replace("jpeg", "jpg").replaceAll("[^a-z0-9]", "");
        String digest = input.artifact().sha256().replaceAll("[^A-Za-z0-9]", "");
        Multipart form = new Multipart()
                .file("image", "modaweave-" + digest.substring(0, Math.min(16, digest.length())) + "." + extension, mime, input.bytes())
                .field("type", "input")
                .field("overwrite", "true");
        JsonNode uploaded = client.postMultipartJson(call, "/upload/image", form, Map.of());
        String name = uploaded.path("name").asText("");
        if (name.isEmpty()) {
            throw client.unexpected("the \"name\" of the uploaded image", uploaded);
        }
        String subfolder = uploaded.path("subfolder").asText("");
        return subfolder.isEmpty() ? name : subfolder + "/" + name;
    }

    /**
     * Step progress from the websocket. Events may arrive before {@code POST /prompt} has answered
     * with the prompt's id; those naming a prompt are held until the id is known, so that another
     * prompt's steps are never reported as this one's.
     */
    private static final class StepProgress {
        private final ProgressListener progress;
        private final List<JsonNode> early = new ArrayList<>();
        private String promptId;
        private volatile boolean stepsSeen;

        StepProgress(ProgressListener progress) {
            this.progress = progress;
        }

        boolean stepsSeen() {
            return stepsSeen;
        }

        synchronized void onEvent(JsonNode event) {
            if (!"progress".equals(event.path("type").asText())) {
                return;
            }
            String about = event.path("data").path("prompt_id").asText("");
            if (promptId == null && !about.isEmpty()) {
                if (early.size() < 1000) {
                    early.add(event);
                }
                return;
            }
            if (about.isEmpty() || about.equals(promptId)) {
                report(event.path("data"));
            }
        }

        synchronized void queued(String id) {
            promptId = id;
            if (!stepsSeen) {
                progress.progress(0, "queued");
            }
            List<JsonNode> held = List.copyOf(early);
            early.clear();
            held.forEach(this::onEvent);
        }

        private void report(JsonNode data) {
            int value = data.path("value").asInt(-1);
            int max = data.path("max").asInt(0);
            if (max > 0 && value >= 0 && value <= max) {
                stepsSeen = true;
                progress.progress((double) value / max, "step " + value + "/" + max);
            }
        }
    }

    private JsonNode awaitOutputs(Call call, String id, StepProgress steps, ProgressListener progress) {
        while (true) {
            JsonNode history = client.getJson(call, client.uri("/history/" + enc(id)));
            if (!history.isObject()) {
                throw client.unexpected("an object of prompt histories", history);
            }
            JsonNode entry = history.path(id);
            if (!entry.isMissingNode() && !entry.isObject()) {
                throw client.unexpected("an object for prompt " + id, history);
            }
            JsonNode status = entry.path("status");
            if ("error".equals(status.path("status_str").asText())) {
                throw new NonRetriableToolException(client.describe() + " ran prompt " + id + " but the workflow failed: "
                        + executionError(status) + "; check the workflow and its models in ComfyUI");
            }
            JsonNode outputs = entry.path("outputs");
            boolean completed = status.path("completed").asBoolean(false) || !status.isObject() && outputs.isObject() && !outputs.isEmpty();
            if (entry.isObject() && completed) {
                if (!outputs.isObject()) {
                    throw client.unexpected("\"outputs\" for finished prompt " + id, entry);
                }
                return outputs;
            }
            if (!steps.stepsSeen()) {
                reportQueueState(call, id, progress);
            }
            call.pause(client.settings().pollInterval());
        }
    }

    private void reportQueueState(Call call, String id, ProgressListener progress) {
        JsonNode queue = client.pollQuietly(call, client.uri("/queue"));
        if (queue == null) {
            return;
        }
        for (JsonNode item : queue.path("queue_running")) {
            if (id.equals(item.path(1).asText())) {
                progress.progress(0, "running");
                return;
            }
        }
        int position = 0;
        for (JsonNode item : queue.path("queue_pending")) {
            position++;
            if (id.equals(item.path(1).asText())) {
                progress.progress(0, "queued, position " + position);
                return;
            }
        }
    }

    private static String executionError(JsonNode status) {
        for (JsonNode message : status.path("messages")) {
            if ("execution_error".equals(message.path(0).asText())) {
                JsonNode detail = message.path(1);
                return Text.shorten(detail.path("node_type").asText("node") + ": " + detail.path("exception_message").asText("unknown error"), 200);
            }
        }
        return "no error message";
    }

    private record OutputFile(String filename, String subfolder, String type, String node) {
    }

    private OutputFile pick(JsonNode outputs) {
        List<OutputFile> files = new ArrayList<>();
        outputs.properties().forEach(node -> {
            if (config.outputNode() != null && !config.outputNode().equals(node.getKey())) {
                return;
            }
            node.getValue().properties().forEach(kind -> {
                for (JsonNode item : kind.getValue()) {
                    if (item.path("filename").isTextual() && "output".equals(item.path("type").asText("output"))) {
                        files.add(new OutputFile(item.path("filename").asText(), item.path("subfolder").asText(""),
                                "output", node.getKey()));
                    }
                }
            });
        });
        Set<String> wanted = EXTENSIONS.get(config.output());
        for (OutputFile file : files) {
            if (wanted.contains(extension(file.filename()))) {
                return file;
            }
        }
        Set<String> seen = new LinkedHashSet<>();
        files.forEach(f -> seen.add(f.node() + ":" + f.filename()));
        throw new UnexpectedResponseException(client.describe() + ": the workflow finished without a saved "
                + config.output().wireName() + " file" + (config.outputNode() == null ? "" : " from node " + config.outputNode())
                + "; its outputs were " + (seen.isEmpty() ? "none" : Text.shorten(seen.toString(), 200))
                + ". Add a save node for " + config.output().wireName() + " or set outputNode");
    }

    private static String extension(String filename) {
        int dot = filename.lastIndexOf('.');
        return dot < 0 ? "" : filename.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
