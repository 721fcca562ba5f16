package dev.modaweave.agent.llm;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.modaweave.agent.llm.LlmConfig.Projector;
import dev.modaweave.agent.llm.LlmConfig.Provider;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LlmConfigTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The application embeds the record under {@code llm:}. */
    record AppConfig(LlmConfig llm) {
    }

    private static LlmConfig read(String yaml) throws Exception {
        return YAML.readValue(yaml, AppConfig.class).llm();
    }

    @Test
    void defaults_select_the_offline_embedded_planner() {
        LlmConfig config = LlmConfig.defaults();

        assertThat(config.provider()).isEqualTo(Provider.EMBEDDED);
        assertThat(config.baseUrl()).isNull();
        assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.maxRetries()).isEqualTo(3);
        assertThat(config.nativeToolCalls()).isFalse();
        assertThat(config.projector()).isEqualTo(Projector.CAPTION);
    }

    @Test
    void an_empty_llm_section_maps_to_the_defaults() throws Exception {
        assertThat(read("llm: {}\n")).isEqualTo(LlmConfig.defaults());
    }

    @Test
    void an_openai_compatible_server_maps_from_yaml() throws Exception {
        LlmConfig config = read("""
                llm:
                  provider: openai
                  baseUrl: http://127.0.0.1:8000/v1
                  model: Qwen/Qwen2.5-7B-Instruct
                  apiKeyEnv: VLLM_API_KEY
                  timeout: 30s
                  maxRetries: 5
                  temperature: 0.2
                  nativeToolCalls: true
                  multimodal: true
                """);

        assertThat(config).isEqualTo(LlmConfig.builder().provider(Provider.OPENAI).baseUrl("http://127.0.0.1:8000/v1")
                .model("Qwen/Qwen2.5-7B-Instruct").apiKeyEnv("VLLM_API_KEY").timeout(Duration.ofSeconds(30))
                .maxRetries(5).temperature(0.2).nativeToolCalls(true).multimodal(true).build());
        assertThat(config.projector()).isEqualTo(Projector.NATIVE);
    }

    @Test
    void ollama_gets_its_default_url_and_iso_timeouts_are_read() throws Exception {
        LlmConfig config = read("""
                llm:
                  provider: Ollama
                  model: llama3.2
                  timeout: PT2M
                  projector: caption
                """);

        assertThat(config.provider()).isEqualTo(Provider.OLLAMA);
        assertThat(config.baseUrl()).isEqualTo("http://localhost:11434");
        assertThat(config.timeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.apiKeyEnv()).isNull();
    }

    @Test
    void a_config_written_back_to_yaml_reads_the_same() throws Exception {
        LlmConfig config = LlmConfig.builder().provider(Provider.OPENAI).model("gpt-4o-mini")
                .timeout(Duration.ofMillis(1500)).apiKeyEnv("OPENAI_API_KEY").build();

        String yaml = YAML.writeValueAsString(new AppConfig(config));

        assertThat(yaml).contains("provider: \"openai\"").contains("timeout: \"PT1.5S\"");
        assertThat(read(yaml)).isEqualTo(config);
    }

    @Test
    void an_unknown_provider_is_refused_naming_the_key_the_value_and_the_choices() {
        assertThatThrownBy(() -> read("llm:\n  provider: gemini\n"))
                .isInstanceOf(JsonMappingException.class)
                .rootCause()
                .isInstanceOf(InvalidLlmConfigException.class)
                .hasMessage("llm.provider is 'gemini'; allowed: openai, ollama, embedded");
    }

    @Test
    void a_literal_api_key_is_refused_without_echoing_it() {
        assertThatThrownBy(() -> read("llm:\n  provider: openai\n  model: m\n  apiKey: sk-live-secret-123\n"))
                .rootCause()
                .isInstanceOf(InvalidLlmConfigException.class)
                .hasMessageContaining("llm.apiKey is not accepted")
                .hasMessageContaining("llm.apiKeyEnv")
                .hasMessageNotContaining("sk-live-secret-123");
    }

    @Test
    void a_key_pasted_into_apiKeyEnv_is_refused_without_echoing_it() {
        assertThatThrownBy(() -> LlmConfig.builder().provider(Provider.OPENAI).model("m")
                .apiKeyEnv("sk-proj-abc-123").build())
                .isInstanceOf(InvalidLlmConfigException.class)
                .hasMessageContaining("llm.apiKeyEnv must be the NAME of an environment variable")
                .hasMessageNotContaining("sk-proj-abc-123");
    }

    @Test
    void a_remote_provider_needs_a_model() {
        assertThatThrownBy(() -> LlmConfig.builder().provider(Provider.OLLAMA).build())
                .isInstanceOf(InvalidLlmConfigException.class)
                .hasMessageStartingWith("llm.model is missing for llm.provider 'ollama'");
    }

    @Test
    void bad_values_are_refused_naming_key_value_and_what_is_allowed() {
        assertThatThrownBy(() -> read("llm:\n  timeout: soon\n"))
                .rootCause()
                .hasMessage("llm.timeout is 'soon'; write a duration such as 500ms, 30s, 2m, 1h or ISO-8601 PT30S");
        assertThatThrownBy(() -> LlmConfig.builder().provider(Provider.OPENAI).model("m").baseUrl("localhost:8000").build())
                .hasMessageContaining("llm.baseUrl is 'localhost:8000'").hasMessageContaining("http://");
        assertThatThrownBy(() -> LlmConfig.builder().provider(Provider.OPENAI).model("m").maxRetries(11).build())
                .hasMessage("llm.maxRetries is 11; allowed: 0 to 10");
        assertThatThrownBy(() -> LlmConfig.builder().provider(Provider.OPENAI).model("m").temperature(2.5).build())
                .hasMessageStartingWith("llm.temperature is 2.5; allowed: 0 to 2");
        assertThatThrownBy(() -> LlmConfig.builder().timeout(Duration.ZERO).build())
                .hasMessageStartingWith("llm.timeout is PT0S; it must be positive");
        assertThatThrownBy(() -> read("llm:\n  projector: soft-tokens\n"))
                .rootCause()
                .hasMessage("llm.projector is 'soft-tokens'; allowed: native, caption, learned");
    }

    @Test
    void the_native_projector_needs_a_multimodal_model() {
        assertThatThrownBy(() -> LlmConfig.builder().projector(Projector.NATIVE).build())
                .isInstanceOf(InvalidLlmConfigException.class)
                .hasMessageContaining("llm.projector is 'native' but llm.multimodal is false");
    }
}
