package dev.modaweave.datasets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.langchain4j.model.openai.OpenAiChatModel;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach an OpenAI-compatible chat endpoint (OpenAI, vLLM, llama.cpp server, Ollama's
 * {@code /v1}): read from YAML or flags. The API key is never written in the file: it names the
 * environment variable that holds it.
 *
 * <pre>
 * baseUrl: http://127.0.0.1:8000/v1
 * model: qwen2.5-7b-instruct
 * apiKeyEnv: OPENAI_API_KEY
 * temperature: 0.0
 * maxTokens: 512
 * timeoutSeconds: 60
 * </pre>
 *
 * @param baseUrl        the endpoint's base URL (up to and including {@code /v1})
 * @param model          the model name
 * @param apiKeyEnv      the environment variable holding the key; none needed for local servers when null
 * @param temperature    sampling temperature
 * @param maxTokens      most tokens per answer
 * @param timeoutSeconds per-request timeout
 */
public record ChatModelConfig(String baseUrl, String model, String apiKeyEnv, Double temperature, Integer maxTokens,
                              Integer timeoutSeconds) {

    public ChatModelConfig {
        temperature = temperature == null ? 0.0 : temperature;
        maxTokens = maxTokens == null ? 512 : maxTokens;
        timeoutSeconds = timeoutSeconds == null ? 60 : timeoutSeconds;
    }

    /**
     * Reads a YAML file.
     *
     * @throws IllegalArgumentException naming the file and what is wrong
     */
    public static ChatModelConfig fromYaml(Path file) {
        try {
            return new ObjectMapper(new YAMLFactory()).readValue(file.toFile(), ChatModelConfig.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read model configuration " + file + ": " + e.getMessage(), e);
        }
    }

    /** This configuration with the base URL, model and key variable of {@code flags} taking precedence where set. */
    public ChatModelConfig overriddenBy(ChatModelConfig flags) {
        return new ChatModelConfig(
                flags.baseUrl != null ? flags.baseUrl : baseUrl,
                flags.model != null ? flags.model : model,
                flags.apiKeyEnv != null ? flags.apiKeyEnv : apiKeyEnv,
                temperature, maxTokens, timeoutSeconds);
    }

    /**
     * The LangChain4j model.
     *
     * @param env the environment to read the key from
     * @throws IllegalArgumentException when the base URL or model is missing, or the key variable is unset
     */
    public OpenAiChatModel chatModel(Map<String, String> env) {
        if (baseUrl == null || baseUrl.isBlank()) {
            throw new IllegalArgumentException("no base URL for the chat model; set baseUrl in the YAML or pass --base-url");
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("no model name; set model in the YAML or pass --model");
        }
        String key = "none";
        if (apiKeyEnv != null && !apiKeyEnv.isBlank()) {
            key = env.get(apiKeyEnv);
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("environment variable " + apiKeyEnv + " is not set; export the API key "
                        + "there or name another variable with apiKeyEnv / --api-key-env");
            }
        }
        return OpenAiChatModel.builder().baseUrl(baseUrl).modelName(model).apiKey(Objects.requireNonNull(key))
                .temperature(temperature).maxTokens(maxTokens).timeout(Duration.ofSeconds(timeoutSeconds)).maxRetries(1)
                .build();
    }
}
