package dev.modaweave.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.modaweave.agent.llm.LlmConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads the model the dataset commands talk to from the same {@code llm:} YAML section the agent
 * uses ({@link LlmConfig}: provider, baseUrl, model, apiKeyEnv, timeout, …), either a whole
 * configuration file or a file holding only that section.
 */
public final class LlmConfigFiles {

    private LlmConfigFiles() {
    }

    /**
     * Reads {@code file}.
     *
     * @throws IllegalArgumentException naming the file and what is wrong
     */
    public static LlmConfig read(Path file) {
        try {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("model configuration " + file + " is empty or not a YAML mapping");
            }
            JsonNode section = root.has("llm") ? root.get("llm") : root;
            return new ObjectMapper().treeToValue(section, LlmConfig.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read model configuration " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A blocking view of a streaming model (for the paraphraser), waiting at most {@code timeout}
     * for each answer.
     */
    public static ChatModel blocking(StreamingChatModel model, Duration timeout) {
        return new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                CompletableFuture<ChatResponse> done = new CompletableFuture<>();
                model.chat(request, new StreamingChatResponseHandler() {
                    @Override
                    public void onCompleteResponse(ChatResponse response) {
                        done.complete(response);
                    }

                    @Override
                    public void onError(Throwable error) {
                        done.completeExceptionally(error);
                    }
                });
                try {
                    return done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the model", e);
                } catch (ExecutionException e) {
                    throw new IllegalStateException("the model failed: " + e.getCause().getMessage(), e.getCause());
                } catch (TimeoutException e) {
                    throw new IllegalStateException("the model did not answer within " + timeout, e);
                }
            }
        };
    }
}
