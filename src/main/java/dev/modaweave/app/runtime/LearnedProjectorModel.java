package dev.modaweave.app.runtime;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.modaweave.agent.llm.LlmConfig;
import dev.modaweave.app.config.ConfigException;
import dev.modaweave.app.config.ConfigLoader;
import dev.modaweave.projector.ProjectorSpec;
import dev.modaweave.projector.PromptEmbedsChatModel;
import dev.modaweave.projector.SoftPromptProjector;

import java.util.function.UnaryOperator;

/**
 * The LLM of {@code llm.projector: learned}: the conversation goes to an OpenAI-compatible server as
 * prompt embeddings, pictures through the trained projector of {@code llm.projectorSpec}.
 */
final class LearnedProjectorModel {

    private LearnedProjectorModel() {
    }

    /** @throws ConfigException when the spec or its files cannot be loaded, or the API key variable is unset */
    static StreamingChatModel create(ConfigLoader.Loaded loaded, UnaryOperator<String> environment) {
        LlmConfig llm = loaded.config().llm();
        String apiKey = null;
        if (llm.apiKeyEnv() != null) {
            apiKey = environment.apply(llm.apiKeyEnv());
            if (apiKey == null || apiKey.isBlank()) {
                throw new ConfigException("the environment variable " + llm.apiKeyEnv() + " named by llm.apiKeyEnv is not set");
            }
        }
        SoftPromptProjector projector;
        try {
            projector = SoftPromptProjector.load(ProjectorSpec.load(loaded.resolve(llm.projectorSpec())));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("llm.projectorSpec: " + e.getMessage(), e);
        }
        return PromptEmbedsChatModel.builder().projector(projector).baseUrl(llm.baseUrl()).model(llm.model()).apiKey(apiKey)
                .temperature(llm.temperature()).timeout(llm.timeout()).build();
    }
}
