package dev.modaweave.projector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * A streaming chat model that sends the whole conversation to the LLM as prompt embeddings: text
 * through the LLM's own tokenizer and embedding table, each picture through the learned projector
 * ({@link SoftPromptProjector}), rendered with the spec's chat templates, posted as
 * {@code prompt_embeds} (base64 of a PyTorch tensor file) to an OpenAI-compatible
 * {@code POST /completions} that accepts them: vLLM started with {@code --enable-prompt-embeds}. The
 * answer streams back as server-sent events. Encoding runs on this model's own thread, never on the
 * caller's; pictures given by URL are refused (nothing is fetched).
 */
public final class PromptEmbedsChatModel implements StreamingChatModel, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SoftPromptProjector projector;
    private final URI completions;
    private final String model;
    private final String apiKey;
    private final int maxTokens;
    private final Double temperature;
    private final Duration timeout;
    private final HttpClient http;
    private final ExecutorService encoding = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "modaweave-prompt-embeds");
        t.setDaemon(true);
        return t;
    });

    private PromptEmbedsChatModel(Builder b) {
        this.projector = Objects.requireNonNull(b.projector, "projector");
        String base = Objects.requireNonNull(b.baseUrl, "baseUrl").replaceAll("/+$", "");
        this.completions = URI.create(base + "/completions");
        this.model = Objects.requireNonNull(b.model, "model");
        this.apiKey = b.apiKey;
        this.maxTokens = b.maxTokens;
        this.temperature = b.temperature;
        this.timeout = b.timeout;
        this.http = HttpClient.newBuilder().connectTimeout(b.timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        encoding.execute(() -> {
            byte[] body;
            try {
                float[][] rows = projector.prompt(render(request.messages()));
                ObjectNode json = JSON.createObjectNode()
                        .put("model", model)
                        .put("prompt_embeds", Base64.getEncoder().encodeToString(TorchTensorFile.write(rows)))
                        .put("max_tokens", maxTokens)
                        .put("stream", true);
                if (temperature != null) {
                    json.put("temperature", temperature);
                }
                body = JSON.writeValueAsBytes(json);
            } catch (RuntimeException | IOException e) {
                handler.onError(new IllegalStateException("the prompt could not be turned into embeddings: " + e.getMessage(), e));
                return;
            }
            HttpRequest.Builder post = HttpRequest.newBuilder(completions).timeout(timeout)
                    .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (apiKey != null && !apiKey.isEmpty()) {
                post.header("Authorization", "Bearer " + apiKey);
            }
            http.sendAsync(post.build(), HttpResponse.BodyHandlers.ofLines())
                    .whenComplete((response, failure) -> {
                        if (failure != null) {
                            handler.onError(new IllegalStateException("the prompt-embeddings server at " + completions
                                    + " cannot be reached: " + failure.getMessage(), failure));
                        } else {
                            stream(response, handler);
                        }
                    });
        });
    }

    private void stream(HttpResponse<Stream<String>> response, StreamingChatResponseHandler handler) {
        try (Stream<String> lines = response.body()) {
            if (response.statusCode() != 200) {
                String text = String.join(" ", lines.limit(20).toList());
                handler.onError(new IllegalStateException("the prompt-embeddings server at " + completions + " answered HTTP "
                        + response.statusCode() + ": " + (text.length() > 300 ? text.substring(0, 300) + "…" : text)
                        + (response.statusCode() == 400 ? " (is vLLM started with --enable-prompt-embeds?)" : "")));
                return;
            }
            StringBuilder answer = new StringBuilder();
            FinishReason[] finish = {FinishReason.STOP};
            for (String line : (Iterable<String>) lines::iterator) {
                if (!line.startsWith("data:")) {
                    continue;
                }
                String data = line.substring(5).strip();
                if (data.equals("[DONE]")) {
                    break;
                }
                JsonNode chunk;
                try {
                    chunk = JSON.readTree(data);
                } catch (IOException e) {
                    handler.onError(new IllegalStateException("the prompt-embeddings server sent a stream chunk that is not JSON: "
                            + (data.length() > 80 ? data.substring(0, 80) + "…" : data)));
                    return;
                }
                JsonNode choice = chunk.path("choices").path(0);
                String delta = choice.path("text").asText("");
                if (!delta.isEmpty()) {
                    answer.append(delta);
                    handler.onPartialResponse(delta);
                }
                if (choice.path("finish_reason").asText("").equals("length")) {
                    finish[0] = FinishReason.LENGTH;
                }
            }
            handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from(answer.toString()))
                    .finishReason(finish[0]).build());
        } catch (RuntimeException e) {
            handler.onError(new IllegalStateException("the prompt-embeddings stream broke: " + e.getMessage(), e));
        }
    }

    /** The conversation as prompt parts, each message through its template, pictures where they stand. */
    List<SoftPromptProjector.Part> render(List<ChatMessage> messages) {
        ProjectorSpec spec = projector.spec();
        List<SoftPromptProjector.Part> parts = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (ChatMessage message : messages) {
            String template;
            List<Content> contents = new ArrayList<>();
            if (message instanceof SystemMessage s) {
                template = spec.systemTemplate();
                contents.add(TextContent.from(s.text()));
            } else if (message instanceof UserMessage u) {
                template = spec.userTemplate();
                contents.addAll(u.contents());
            } else if (message instanceof AiMessage a) {
                template = spec.assistantTemplate();
                contents.add(TextContent.from(a.text() == null ? "" : a.text()));
            } else if (message instanceof ToolExecutionResultMessage r) {
                template = spec.userTemplate();
                contents.add(TextContent.from("Result of " + r.toolName() + ": " + r.text()));
            } else {
                continue;
            }
            int at = template.indexOf("{text}");
            text.append(template, 0, at);
            for (Content c : contents) {
                if (c instanceof TextContent t) {
                    text.append(t.text());
                } else if (c instanceof ImageContent image) {
                    if (!text.isEmpty()) {
                        parts.add(new SoftPromptProjector.Text(text.toString()));
                        text.setLength(0);
                    }
                    parts.add(new SoftPromptProjector.Picture(decode(image)));
                }
            }
            text.append(template.substring(at + "{text}".length()));
        }
        text.append(spec.generationPrompt());
        parts.add(new SoftPromptProjector.Text(text.toString()));
        return parts;
    }

    private static BufferedImage decode(ImageContent content) {
        var image = content.image();
        if (image.base64Data() == null) {
            throw new IllegalArgumentException("a picture given by URL (" + image.url() + ") is not fetched; send its bytes");
        }
        try {
            BufferedImage picture = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(image.base64Data())));
            if (picture == null) {
                throw new IllegalArgumentException("a picture of type " + image.mimeType() + " cannot be decoded (PNG, JPEG, GIF, BMP)");
            }
            return picture;
        } catch (IOException e) {
            throw new IllegalArgumentException("a picture cannot be decoded: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        encoding.shutdownNow();
        projector.close();
    }

    /** Builder; defaults: no API key, 512 new tokens, the server's temperature, 60 s timeout. */
    public static final class Builder {
        private SoftPromptProjector projector;
        private String baseUrl;
        private String model;
        private String apiKey;
        private int maxTokens = 512;
        private Double temperature;
        private Duration timeout = Duration.ofSeconds(60);

        public Builder projector(SoftPromptProjector projector) { this.projector = projector; return this; }
        /** The server's base URL including {@code /v1}, e.g. {@code http://127.0.0.1:8000/v1}. */
        public Builder baseUrl(String baseUrl) { this.baseUrl = baseUrl; return this; }
        public Builder model(String model) { this.model = model; return this; }
        public Builder apiKey(String apiKey) { this.apiKey = apiKey; return this; }
        public Builder maxTokens(int maxTokens) { this.maxTokens = maxTokens; return this; }
        public Builder temperature(Double temperature) { this.temperature = temperature; return this; }
        public Builder timeout(Duration timeout) { this.timeout = timeout; return this; }

        public PromptEmbedsChatModel build() {
            return new PromptEmbedsChatModel(this);
        }
    }
}
