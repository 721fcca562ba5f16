package dev.modaweave.agent.llm;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.modaweave.agent.llm.internal.StreamingHttpClientBuilder;

import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Builds the LangChain4j {@link StreamingChatModel} an {@link LlmConfig} describes: OpenAI-compatible
 * servers through {@code OpenAiStreamingChatModel}, Ollama through {@code OllamaStreamingChatModel},
 * both over an HTTP client that keeps {@code Retry-After}, keeps the API key out of error messages and
 * reports broken streams, and both wrapped in a {@link RetryingStreamingChatModel}.
 *
 * <pre>{@code
 * StreamingChatModel model = ChatModels.streaming(config.llm());
 * model.chat(ChatRequest.builder().messages(UserMessage.from("hi")).build(), handler);
 * }</pre>
 */
public final class ChatModels {

    /** The model for {@code config}, reading the API key from the process environment. */
    public static StreamingChatModel streaming(LlmConfig config) {
        return streaming(config, System::getenv);
    }

    /**
     * The model for {@code config}, reading the API key through {@code environment} (name → value, null
     * when unset).
     *
     * @throws InvalidLlmConfigException for {@code provider: embedded} (the application provides that
     *                                   model) or when the environment variable named by
     *                                   {@code apiKeyEnv} is not set
     */
    public static StreamingChatModel streaming(LlmConfig config, UnaryOperator<String> environment) {
        return RetryingStreamingChatModel.builder(undecorated(config, environment))
                .maxRetries(config.maxRetries())
                .build();
    }

    /** The provider's model without the retrying decorator (tests decorate it with a fake clock). */
    static StreamingChatModel undecorated(LlmConfig config, UnaryOperator<String> environment) {
        String apiKey = apiKey(config, environment);
        StreamingHttpClientBuilder http = new StreamingHttpClientBuilder()
                .secret(apiKey)
                .authHint(config.apiKeyEnv() == null
                        ? "the server wants an API key: put it in an environment variable and name it with llm.apiKeyEnv"
                        : "check the API key in the environment variable " + config.apiKeyEnv() + " (llm.apiKeyEnv)");
        return switch (config.provider()) {
            case OPENAI -> OpenAiStreamingChatModel.builder()
                    .httpClientBuilder(http)
                    .baseUrl(config.baseUrl())
                    .apiKey(apiKey)
                    .modelName(config.model())
                    .temperature(config.temperature())
                    .timeout(config.timeout())
                    .build();
            case OLLAMA -> OllamaStreamingChatModel.builder()
                    .httpClientBuilder(http)
                    .baseUrl(config.baseUrl())
                    .modelName(config.model())
                    .temperature(config.temperature())
                    .timeout(config.timeout())
                    .customHeaders(apiKey == null ? Map.of() : Map.of("Authorization", "Bearer " + apiKey))
                    .build();
            case EMBEDDED -> throw new InvalidLlmConfigException("llm.provider 'embedded' is the built-in planner, "
                    + "which the application provides; ChatModels builds only 'openai' and 'ollama' models");
        };
    }

    private static String apiKey(LlmConfig config, UnaryOperator<String> environment) {
        if (config.apiKeyEnv() == null || config.provider() == LlmConfig.Provider.EMBEDDED) {
            return null;
        }
        String key = environment.apply(config.apiKeyEnv());
        if (key == null || key.isBlank()) {
            throw new InvalidLlmConfigException("the environment variable " + config.apiKeyEnv()
                    + " named by llm.apiKeyEnv is not set: export it with the API key, or remove llm.apiKeyEnv "
                    + "for a server that needs no key");
        }
        return key.strip();
    }

    private ChatModels() {
    }
}
