package dev.modaweave.generators.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.GeneratorToolFactory;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.ToolSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class HttpToolFactoriesTest {

    private static Map<String, GeneratorToolFactory> factories() {
        return ServiceLoader.load(GeneratorToolFactory.class).stream().map(ServiceLoader.Provider::get)
                .collect(Collectors.toMap(GeneratorToolFactory::kind, Function.identity()));
    }

    @Test
    void every_http_backend_kind_is_registered_as_a_factory() {
        assertThat(factories().keySet()).containsAll(HttpGenerators.BACKENDS);
        assertThat(factories().values()).allSatisfy(f -> assertThat(f.description()).isNotBlank());
    }

    @Test
    void a_factory_builds_its_tool_with_secrets_from_the_settings_environment_and_paths_from_its_directory(@TempDir Path dir)
            throws IOException {
        Files.writeString(dir.resolve("flow.json"), "{\"6\":{\"class_type\":\"CLIPTextEncode\",\"inputs\":{\"text\":\"{{prompt}}\"}}}");
        ObjectNode comfy = (ObjectNode) Json.parse("{\"backend\":\"comfyui\",\"name\":\"my-comfy\",\"workflow\":\"flow.json\"}");
        ObjectNode replicate = (ObjectNode) Json.parse("{\"backend\":\"replicate\",\"model\":\"a/b\",\"apiKeyEnv\":\"TOKEN\"}");

        try (GeneratorTool tool = factories().get("comfyui").create(new ToolSettings(comfy, dir, Map.<String, String>of()::get))) {
            assertThat(tool.descriptor().name()).isEqualTo("my-comfy");
        }
        var settings = new ToolSettings(replicate, dir, Map.of("TOKEN", "r8_x")::get);
        try (GeneratorTool tool = factories().get("replicate").create(settings)) {
            assertThat(((ReplicateTool) tool).config().http().apiKey().value()).contains("r8_x");
        }
    }

    @Test
    void an_unknown_setting_is_refused_naming_it() {
        ObjectNode bad = (ObjectNode) Json.parse("{\"backend\":\"automatic1111\",\"stepz\":3}");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> factories().get("automatic1111").create(ToolSettings.of(bad, Path.of(""))))
                .withMessageContaining("stepz");
    }

    @Test
    void an_http_tool_probes_its_base_url_and_names_the_address_it_cannot_reach() throws IOException {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
            ObjectNode entry = (ObjectNode) Json.parse("{\"backend\":\"openai-speech\",\"apiKey\":\"sk-x\",\"baseUrl\":\"http://127.0.0.1:"
                    + closedPort + "\"}");
            try (var tool = (HttpGeneratorTool<?>) factories().get("openai-speech").create(ToolSettings.of(entry, Path.of("")))) {
                assertThat(tool.probe(java.time.Duration.ofSeconds(2))).isEmpty();
            }
        }
        ObjectNode entry = (ObjectNode) Json.parse("{\"backend\":\"openai-speech\",\"apiKey\":\"sk-x\",\"baseUrl\":\"http://127.0.0.1:"
                + closedPort + "\"}");
        try (var tool = (HttpGeneratorTool<?>) factories().get("openai-speech").create(ToolSettings.of(entry, Path.of("")))) {
            assertThat(tool.probe(java.time.Duration.ofSeconds(2))).hasValueSatisfying(reason ->
                    assertThat(reason).contains("127.0.0.1:" + closedPort).contains("cannot be reached").doesNotContain("sk-x"));
        }
    }
}
