package dev.modaweave.generators.http;

import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.Modality;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class HttpGeneratorsTest {

    private static final Map<String, String> ENV = Map.of("MY_REPLICATE", "r8_secret_value");

    private static GeneratorTool create(Map<String, Object> config, Path dir) {
        return HttpGenerators.create(config, ENV::get, dir);
    }

    @Test
    void every_backend_is_created_from_its_documented_settings(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("flow.json"), "{\"6\":{\"class_type\":\"CLIPTextEncode\",\"inputs\":{\"text\":\"{{prompt}}\"}}}");
        List<Map<String, Object>> configs = List.of(
                Map.of("backend", "automatic1111", "name", "sd15", "baseUrl", "http://gpu-box:7860", "steps", 30, "cfgScale", 6.5,
                        "checkpoint", "v1-5.safetensors", "readTimeout", "120s"),
                Map.of("backend", "comfyui", "name", "video-comfy", "workflow", "flow.json", "output", "video", "frames", 24,
                        "pollInterval", "500ms"),
                Map.of("backend", "openai-images", "model", "dall-e-3", "size", "1024x1024", "responseFormat", "url",
                        "allowedMediaHosts", List.of("oaidalleapiprodscus.blob.core.windows.net")),
                Map.of("backend", "openai-speech", "voice", "nova", "format", "mp3", "baseUrl", "http://127.0.0.1:8880"),
                Map.of("backend", "replicate", "model", "black-forest-labs/flux-schnell", "apiKeyEnv", "MY_REPLICATE",
                        "input", Map.of("aspect_ratio", "1:1"), "maxDownloadBytes", "32MB"),
                Map.of("backend", "stability", "service", "sd3", "task", "image-edit", "apiKey", "sk-inline", "capacity", 4));

        List<GeneratorTool> tools = configs.stream().map(c -> create(c, dir)).toList();

        assertThat(tools).extracting(t -> t.descriptor().name())
                .containsExactly("sd15", "video-comfy", "openai-images", "openai-speech", "replicate", "stability");
        assertThat(tools.get(1).descriptor().outputModality()).isEqualTo(Modality.VIDEO);
        assertThat(tools.get(1).descriptor().task()).isEqualTo("text-to-video");
        assertThat(tools.get(5).descriptor().task()).isEqualTo("image-edit");
        assertThat(tools.get(5).descriptor().capacity()).isEqualTo(4);
    }

    @Test
    void the_settings_read_from_a_map_end_up_in_the_config_records() {
        var config = Map.<String, Object>of("backend", "replicate", "model", "acme/painter", "apiKeyEnv", "MY_REPLICATE",
                "readTimeout", "PT2M", "connectTimeout", 3, "pollInterval", "250ms", "maxDownloadBytes", "512KB",
                "allowPrivateAddresses", "true", "output", "audio", "preferWait", "30s");

        ReplicateConfig read = ((ReplicateTool) create(config, Path.of(""))).config();

        assertThat(read.http().readTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(read.http().connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(read.http().pollInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(read.http().maxDownloadBytes()).isEqualTo(512 * 1024);
        assertThat(read.http().allowPrivateAddresses()).isTrue();
        assertThat(read.http().apiKey().value()).contains("r8_secret_value");
        assertThat(read.http().apiKey().source()).contains("environment variable MY_REPLICATE");
        assertThat(read.http().task()).isEqualTo("text-to-audio");
        assertThat(read.preferWait()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void a_backend_s_default_key_variable_is_read_when_no_key_is_configured() {
        var tool = (OpenAiSpeechTool) HttpGenerators.create(Map.of("backend", "openai-speech"),
                name -> name.equals("OPENAI_API_KEY") ? "sk-from-env" : null, Path.of(""));

        assertThat(tool.config().http().apiKey().value()).contains("sk-from-env");
    }

    @Test
    void misspelt_unknown_or_conflicting_settings_are_refused_by_name() {
        assertThatIllegalArgumentException().isThrownBy(() -> create(Map.of("backend", "automatic1111", "stepz", 20), Path.of("")))
                .withMessageContaining("unknown setting [stepz]").withMessageContaining("steps");
        assertThatIllegalArgumentException().isThrownBy(() -> create(Map.of("backend", "midjourney"), Path.of("")))
                .withMessageContaining("'midjourney'").withMessageContaining("comfyui");
        assertThatIllegalArgumentException().isThrownBy(() -> create(
                        Map.of("backend", "stability", "apiKey", "sk-x", "apiKeyEnv", "STABILITY_API_KEY"), Path.of("")))
                .withMessageContaining("either apiKey or apiKeyEnv");
        assertThatIllegalArgumentException().isThrownBy(() -> create(
                        Map.of("backend", "automatic1111", "readTimeout", "soon"), Path.of("")))
                .withMessageContaining("readTimeout").withMessageContaining("30s");
        assertThatIllegalArgumentException().isThrownBy(() -> create(Map.of("backend", "replicate"), Path.of("")))
                .withMessageContaining("'model' is required");
    }

    @Test
    void api_keys_never_show_in_settings_text() {
        var settings = OpenAiImagesConfig.builder().apiKey(ApiKey.of("sk-very-secret")).build();
        var fromEnv = ApiKey.fromEnv("MY_REPLICATE", ENV::get);

        assertThat(settings.toString()).doesNotContain("sk-very-secret").contains("ApiKey[setting apiKey]");
        assertThat(fromEnv.toString()).isEqualTo("ApiKey[environment variable MY_REPLICATE]");
        assertThatIllegalArgumentException().isThrownBy(() -> create(
                        Map.of("backend", "stability", "apiKey", Map.of("nested", "sk-very-secret")), Path.of("")))
                .withMessageNotContaining("sk-very-secret");
    }

    @Test
    void base_urls_with_credentials_or_other_schemes_are_refused() {
        assertThatIllegalArgumentException().isThrownBy(() -> Automatic1111Config.builder().baseUrl("http://user:pw@gpu:7860").build())
                .withMessageContaining("must not carry credentials");
        assertThatIllegalArgumentException().isThrownBy(() -> Automatic1111Config.builder().baseUrl("ftp://gpu").build())
                .withMessageContaining("http or https");
        assertThat(Automatic1111Config.builder().baseUrl("http://gpu:7860/").build().http().baseUrl().toString())
                .isEqualTo("http://gpu:7860");
    }
}
