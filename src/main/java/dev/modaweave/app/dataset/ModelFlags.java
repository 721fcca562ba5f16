package dev.modaweave.app.dataset;

import dev.modaweave.agent.llm.LlmConfig;
import dev.modaweave.app.UsageException;
import dev.modaweave.app.config.ConfigLoader;
import dev.modaweave.app.config.ConfigOption;
import dev.modaweave.datasets.LlmConfigFiles;

import java.nio.file.Path;
import java.time.Duration;

/** Resolves a model from an {@code llm:} YAML file and flags (flags win), as the agent's configuration. */
final class ModelFlags {

    private ModelFlags() {
    }

    /**
     * The model of the dataset commands that evaluate one: {@code --config} read as a whole configuration or a
     * file holding only the {@code llm:} section; without {@code --config}, the {@code llm:} section of the
     * configuration found the usual way ({@code $MODAWEAVE_CONFIG}, {@code ./modaweave.yaml}); flags win.
     * Null when there is neither a configuration file nor a flag.
     *
     * @throws UsageException for an unreadable file or invalid values
     */
    static LlmConfig resolve(ConfigOption config, String provider, String baseUrl, String model, String apiKeyEnv, Duration timeout) {
        if (config.file() == null) {
            ConfigLoader.Loaded found = config.load();
            if (found.directory() != null && provider == null && baseUrl == null && model == null) {
                return withFlags(found.config().llm().toBuilder(), null, null, null, apiKeyEnv, timeout);
            }
        }
        return resolve(config.file(), provider, baseUrl, model, apiKeyEnv, timeout);
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
            return withFlags(b, provider, baseUrl, model, apiKeyEnv, timeout);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }

    private static LlmConfig withFlags(LlmConfig.Builder b, String provider, String baseUrl, String model, String apiKeyEnv,
                                       Duration timeout) {
        try {
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
