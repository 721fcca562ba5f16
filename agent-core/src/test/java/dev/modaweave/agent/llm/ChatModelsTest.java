package dev.modaweave.agent.llm;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.modaweave.agent.llm.LlmConfig.Provider;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChatModelsTest {

    @Test
    void the_embedded_provider_is_left_to_the_application() {
        assertThatThrownBy(() -> ChatModels.streaming(LlmConfig.defaults(), name -> null))
                .isInstanceOf(InvalidLlmConfigException.class)
                .hasMessageContaining("'embedded' is the built-in planner, which the application provides");
    }

    @Test
    void an_openai_config_gives_a_retrying_openai_streaming_model() {
        StreamingChatModel model = ChatModels.streaming(
                LlmConfig.builder().provider(Provider.OPENAI).model("gpt-4o-mini").apiKeyEnv("KEY").build(),
                Map.of("KEY", "sk-test")::get);

        assertThat(model).isInstanceOf(RetryingStreamingChatModel.class);
        assertThat(((RetryingStreamingChatModel) model).delegate()).isInstanceOf(OpenAiStreamingChatModel.class);
    }

    @Test
    void an_ollama_config_gives_a_retrying_ollama_streaming_model() {
        StreamingChatModel model = ChatModels.streaming(
                LlmConfig.builder().provider(Provider.OLLAMA).model("llama3.2").build(), name -> null);

        assertThat(((RetryingStreamingChatModel) model).delegate()).isInstanceOf(OllamaStreamingChatModel.class);
    }

    @Test
    void a_missing_key_variable_is_named_in_the_error() {
        assertThatThrownBy(() -> ChatModels.streaming(
                LlmConfig.builder().provider(Provider.OPENAI).model("gpt-4o-mini").apiKeyEnv("OPENAI_API_KEY").build(),
                name -> null))
                .isInstanceOf(InvalidLlmConfigException.class)
                .hasMessageStartingWith("the environment variable OPENAI_API_KEY named by llm.apiKeyEnv is not set");
    }
}
