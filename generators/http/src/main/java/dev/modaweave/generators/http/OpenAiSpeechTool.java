package dev.modaweave.generators.http;

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

import java.util.Map;

/** Speech from an OpenAI-compatible {@code POST /v1/audio/speech}: text in, audio bytes out. */
public final class OpenAiSpeechTool extends HttpGeneratorTool<OpenAiSpeechConfig> {

    public OpenAiSpeechTool(OpenAiSpeechConfig config) {
        super(config, new BackendClient("OpenAI speech", config.http(), BackendClient.Auth.BEARER),
                ToolSupport.describe(config.http(), false, Modality.AUDIO, Schemas.object()
                                .text("text", "the words to speak", 4096, true)
                                .text("voice", "voice name; the configured one when absent", 64, false)
                                .number("speed", "speaking rate, 1 is normal", 0.25, 4),
                        Json.object().put("text", "Welcome back! Here is the picture you asked for."),
                        "Speaks a text aloud with model " + config.model() + " (OpenAI-compatible speech API)."));
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
        Call call = support.begin(request, client);
        ObjectNode body = Json.object()
                .put("model", config.model())
                .put("input", request.text("text", ""))
                .put("voice", request.text("voice", config.voice()))
                .put("response_format", config.format());
        if (request.arguments().has("speed")) {
            body.put("speed", ToolSupport.number(request, "speed", 1));
        }
        progress.progress(0, "sent to " + config.model());
        byte[] bytes = client.post(call, "/v1/audio/speech", "application/json", Json.write(body).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Map.of()).body();
        String mime = MediaCheck.require(bytes, Modality.AUDIO, client.describe());
        progress.progress(1, "done");
        return new GenerationResult(bytes, mime, Map.of("voice", body.path("voice").asText(), "model", config.model()));
    }
}
