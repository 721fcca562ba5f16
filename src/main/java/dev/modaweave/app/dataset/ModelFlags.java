package dev.modaweave.app.dataset;

import dev.modaweave.agent.llm.LlmConfig;
import dev.modaweave.app.UsageException;
import dev.modaweave.datasets.LlmConfigFiles;

import java.nio.file.Path;
import java.time.Duration;

/** Resolves a model from an {@code llm:} YAML file and flags (flags win), as the agent's configuration. */
final class ModelFlags {

    private ModelFlags() {
    }

    /**
     * The configuration, or null when neither a file nor a base URL nor a model was given.
     *
     * @throws UsageException for an unreadable file or invalid values
     */
    static LlmConfig resolve(Path file, String provider, String baseUrl, String model, String apiKeyEnv, Duration timeout) {
        if (file == null && baseUrl == null && model == null && provider == null) {
            return null;
        }
        try {
            LlmConfig.Builder b = file != null ? LlmConfigFiles.read(file).toBuilder()
                    : LlmConfig.builder().provider(LlmConfig.Provider.OPENAI);
            if (provider != null) {
                b.provider(LlmConfig.Provider.fromConfig(provider));
            }
            if (baseUrl != null) {
                b.baseUrl(baseUrl);
            }
            if (model != null) {
                b.model(model);
            }
            if (apiKeyEnv != null) {
                b.apiKeyEnv(apiKeyEnv);
            }
            if (timeout != null) {
                b.timeout(timeout);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }
}
