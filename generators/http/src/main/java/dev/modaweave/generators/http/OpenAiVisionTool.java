package dev.modaweave.generators.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.generators.http.internal.Call;
import dev.modaweave.generators.http.internal.Schemas;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.InvalidMediaException;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.Tasks;
import dev.modaweave.tools.ToolDescriptor;
import dev.modaweave.tools.VideoFrames;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Captions pictures (task {@code image-to-text}) or videos (task {@code video-to-text}) with a vision
 * model behind an OpenAI-compatible {@code POST /v1/chat/completions}: the picture goes as an
 * {@code image_url} data URI; a video as evenly spaced keyframes, in order, in one message (GIF frames
 * are read in Java, MP4 and WebM frames with ffmpeg). The caption is the answer's text.
 */
public final class OpenAiVisionTool extends OpenAiTextTool {

    private final OpenAiVisionConfig config;
    private final Modality input;

    public OpenAiVisionTool(OpenAiVisionConfig config) {
        super("OpenAI-compatible vision", config.http(), describe(config));
        this.config = config;
        this.input = input(config);
    }

    /** Video for a {@code video-to-text} tool, else image. */
    private static Modality input(OpenAiVisionConfig config) {
        return config.http().task().equals(Tasks.VIDEO_TO_TEXT) ? Modality.VIDEO : Modality.IMAGE;
    }

    private static ToolDescriptor.Builder describe(OpenAiVisionConfig config) {
        Modality input = input(config);
        String what = input == Modality.VIDEO ? "video" : "picture";
        return ToolDescriptor.builder()
                .inputModalities(Set.of(input, Modality.TEXT))
                .argumentsSchema(Schemas.object()
                        .artifact(input.wireName(), input, "the " + what + " to caption", true)
                        .text("prompt", "a question about the " + what + "; a general caption when absent", 2000, false)
                        .build())
                .example(Json.object().put(input.wireName(), "art_aaaaaaaaaaaaaaaaaaaaaaaaaa"))
                .description("Captions a " + what + " with vision model " + config.model()
                        + (input == Modality.VIDEO ? " from " + config.frames() + " keyframes" : "") + " (OpenAI-compatible chat API).");
    }

    /** The settings this tool was made with. */
    public OpenAiVisionConfig config() {
        return config;
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
        Call call = support.begin(request, client);
        GenerationRequest.InputArtifact media = support.input(request, input.wireName());
        List<String> images = new ArrayList<>();
        String question = request.text("prompt", config.question());
        if (input == Modality.VIDEO) {
            VideoFrames.Sample sample = VideoFrames.sample(media.bytes(), media.artifact().mimeType(), config.frames(),
                    config.http().readTimeout());
            if (sample.frames().isEmpty()) {
                throw new InvalidMediaException("video " + media.artifact().id() + " cannot be captioned: " + sample.note());
            }
            sample.frames().forEach(frame -> images.add(dataUri("image/png", png(frame))));
            question = "These are " + images.size() + " frames of one video, evenly spaced from start to end. " + question;
            progress.progress(0.1, "sampled " + images.size() + " keyframes");
        } else {
            images.add(dataUri(media.artifact().mimeType(), media.bytes()));
        }
        ObjectNode message = Json.object().put("role", "user");
        ArrayNode content = message.putArray("content");
        content.addObject().put("type", "text").put("text", question);
        for (String image : images) {
            content.addObject().put("type", "image_url").putObject("image_url").put("url", image).put("detail", config.detail());
        }
        ObjectNode body = Json.object().put("model", config.model()).put("max_tokens", config.maxTokens()).put("stream", false);
        body.putArray("messages").add(message);
        request.cancellation().throwIfCancelled();
        progress.progress(0.2, "asked " + config.model());
        JsonNode answer = client.postJson(call, "/v1/chat/completions", body, Map.of(), null);
        String caption = text(answer.path("choices").path(0).path("message").path("content"));
        if (caption.isBlank()) {
            throw client.unexpected("choices[0].message.content with the caption", answer);
        }
        progress.progress(1, "captioned");
        return new GenerationResult(caption.strip().getBytes(StandardCharsets.UTF_8), "text/plain",
                Map.of("model", config.model(), "frames", images.size()));
    }

    /** The answer's text: a string, or the text parts of a content array. */
    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) {
            if (part.path("type").asText().equals("text")) {
                sb.append(part.path("text").asText());
            }
        }
        return sb.toString();
    }

    private static String dataUri(String mimeType, byte[] bytes) {
        return "data:" + mimeType + ";base64," + Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] png(BufferedImage image) {
        var out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
