package dev.modaweave.generators.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modaweave.generators.http.internal.Call;
import dev.modaweave.generators.http.internal.Multipart;
import dev.modaweave.generators.http.internal.Schemas;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.MediaTypes;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.ToolDescriptor;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * Transcribes speech (task {@code audio-to-text}) through an OpenAI-compatible
 * {@code POST /v1/audio/transcriptions}: the recording goes as the multipart {@code file}, the
 * answer's {@code text} is the transcript. Whisper servers (whisper.cpp, faster-whisper) speak it too.
 */
public final class OpenAiTranscriptionTool extends OpenAiTextTool {

    private final OpenAiTranscriptionConfig config;

    public OpenAiTranscriptionTool(OpenAiTranscriptionConfig config) {
        super("OpenAI-compatible transcription", config.http(), ToolDescriptor.builder()
                .inputModalities(Set.of(Modality.AUDIO))
                .argumentsSchema(Schemas.object()
                        .artifact("audio", Modality.AUDIO, "the recording to transcribe", true)
                        .text("prompt", "words that may occur (names, terms), to guide the transcription", 1000, false)
                        .build())
                .example(Json.object().put("audio", "art_aaaaaaaaaaaaaaaaaaaaaaaaaa"))
                .description("Transcribes the speech in a recording with model " + config.model()
                        + " (OpenAI-compatible transcription API)."));
        this.config = config;
    }

    /** The settings this tool was made with. */
    public OpenAiTranscriptionConfig config() {
        return config;
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
        Call call = support.begin(request, client);
        GenerationRequest.InputArtifact audio = support.input(request, "audio");
        String mime = audio.artifact().mimeType();
        Multipart form = new Multipart()
                .file("file", "audio." + MediaTypes.extension(mime), mime, audio.bytes())
                .field("model", config.model())
                .field("response_format", "json");
        if (!config.language().isEmpty()) {
            form.field("language", config.language());
        }
        if (request.arguments().hasNonNull("prompt")) {
            form.field("prompt", request.text("prompt", ""));
        }
        progress.progress(0.1, "sent to " + config.model());
        JsonNode answer = client.postMultipartJson(call, "/v1/audio/transcriptions", form, Map.of());
        JsonNode text = answer.get("text");
        if (text == null || !text.isTextual()) {
            throw client.unexpected("a JSON object with the transcript in 'text'", answer);
        }
        progress.progress(1, "transcribed");
        String transcript = text.asText().strip();
        return new GenerationResult((transcript.isEmpty() ? "(no speech heard)" : transcript).getBytes(StandardCharsets.UTF_8),
                "text/plain", Map.of("model", config.model()));
    }
}
