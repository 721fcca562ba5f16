package dev.modaweave.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.MediaTypes;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ToolCommandsTest {

    private final StringBuilder out = new StringBuilder();
    private final StringBuilder err = new StringBuilder();

    private int run(String... args) {
        CliRunner.Result result = CliRunner.run(args);
        out.setLength(0);
        out.append(result.out());
        err.append(result.err());
        return result.exitCode();
    }

    @Test
    void tools_list_shows_every_local_tool_with_its_task_and_preview_flag() {
        assertThat(run("tools", "list")).isZero();
        assertThat(out.toString()).contains("NAME", "preview-image", "text-to-image", "local-tts", "text-to-speech",
                "preview-image-edit", "text+image -> image");
    }

    @Test
    void tools_list_json_is_an_array_of_descriptors() {
        assertThat(run("tools", "list", "--json")).isZero();
        JsonNode list = Json.parse(out.toString());
        assertThat(list.isArray()).isTrue();
        assertThat(list.findValuesAsText("name")).contains("preview-video", "preview-audio");
        JsonNode image = Json.MAPPER.createObjectNode();
        for (JsonNode tool : list) {
            if (tool.get("name").asText().equals("preview-image")) {
                image = tool;
            }
        }
        assertThat(image.get("preview").asBoolean()).isTrue();
        assertThat(image.get("capacity").asInt()).isPositive();
        assertThat(image.get("outputModality").asText()).isEqualTo("image");
    }

    @Test
    void generate_writes_the_media_under_a_hash_name_and_prints_its_metadata(@TempDir Path dir) throws IOException {
        int exit = run("generate", "--tool", "preview-image", "--args", "{\"prompt\":\"a red fox\",\"width\":64,\"height\":64}",
                "--out", dir.toString(), "--store", dir.resolve(".store").toString());
        assertThat(exit).as(err.toString()).isZero();
        JsonNode report = Json.parse(out.toString().strip());
        Path file = Path.of(report.get("path").asText());
        assertThat(file.getParent()).isEqualTo(dir.toAbsolutePath());
        assertThat(report.get("attempts").asInt()).isEqualTo(1);
        assertThat(file.getFileName().toString()).matches("[0-9a-f]{24}\\.png");
        assertThat(MediaTypes.sniff(Files.readAllBytes(file))).contains("image/png");
        assertThat(report.get("mimeType").asText()).isEqualTo("image/png");
        assertThat(report.get("attributes").get("width").asInt()).isEqualTo(64);
        assertThat(report.get("sha256").asText()).startsWith(file.getFileName().toString().substring(0, 24));
    }

    @Test
    void generate_edits_an_input_file_given_with_input(@TempDir Path dir) throws IOException {
        assertThat(run("generate", "--tool", "preview-image", "--args", "{\"prompt\":\"a house\",\"width\":64,\"height\":64}",
                "--out", dir.toString(), "--store", dir.resolve(".store").toString())).isZero();
        Path source = Path.of(Json.parse(out.toString().strip()).get("path").asText());
        int exit = run("generate", "--tool", "preview-image-edit", "--args", "{\"prompt\":\"make it winter\"}",
                "--input", "image=" + source, "--out", dir.resolve("edits").toString(), "--store", dir.resolve(".store").toString());
        assertThat(exit).as(err.toString()).isZero();
        JsonNode report = Json.parse(out.toString().strip());
        assertThat(report.get("attributes").get("transform").asText()).isNotEmpty();
        assertThat(Files.readAllBytes(Path.of(report.get("path").asText()))).isNotEqualTo(Files.readAllBytes(source));
    }

    @Test
    void generate_runs_a_torchscript_spec_named_by_the_configuration(@TempDir Path dir) throws IOException {
        Path spec = Path.of("../generators/djl/src/test/resources/tiny/tiny-image.json").toAbsolutePath().normalize();
        assumeTrue(Files.exists(spec), "run from the app module directory");
        Path config = Files.writeString(dir.resolve("modaweave.yaml"), "tools:\n  backends:\n    - backend: torchscript\n      spec: "
                + spec + "\n");
        int exit = run("generate", "--tool", "tiny-image", "--config", config.toString(), "--args", "{\"prompt\":\"a red fox\"}",
                "--out", dir.toString(), "--store", dir.resolve(".store").toString());
        assertThat(exit).as(err.toString()).isZero();
        assertThat(Json.parse(out.toString().strip()).get("attributes").get("width").asInt()).isEqualTo(32);
    }

    @Test
    void malformed_json_exits_2_with_one_line(@TempDir Path dir) {
        assertThat(run("generate", "--tool", "preview-image", "--args", "{\"prompt\":", "--out", dir.toString(), "--store", dir.resolve(".store").toString())).isEqualTo(2);
        assertThat(err.toString().strip()).contains("not valid JSON").doesNotContain("\n");
    }

    @Test
    void an_unknown_tool_exits_2_and_lists_the_known_ones(@TempDir Path dir) {
        assertThat(run("generate", "--tool", "sdxl", "--args", "{}", "--out", dir.toString(), "--store", dir.resolve(".store").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("unknown tool 'sdxl'").contains("preview-image");
    }

    @Test
    void invalid_arguments_exit_2_naming_the_violation(@TempDir Path dir) throws IOException {
        assertThat(run("generate", "--tool", "preview-image", "--args", "{\"prompt\":\"x\",\"width\":99999}",
                "--out", dir.resolve("out").toString(), "--store", dir.resolve(".store").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("/width").doesNotContain("\tat ");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void the_settings_of_one_tool_given_as_config_exit_2_saying_where_they_go(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("c.json"), "{\"backend\": \"comfyui\", \"workflow\": \"flow.json\"}");
        assertThat(run("generate", "--tool", "x", "--config", config.toString(), "--args", "{}", "--out", dir.toString(), "--store", dir.resolve(".store").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("unknown key 'backend'").contains("tools.backends");
    }

    @Test
    void generate_runs_an_http_generator_given_with_config(@TempDir Path dir) throws IOException {
        byte[] wav = wav();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/audio/speech", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "audio/wav");
            exchange.sendResponseHeaders(200, wav.length);
            exchange.getResponseBody().write(wav);
            exchange.close();
        });
        server.start();
        try {
            Path config = Files.writeString(dir.resolve("modaweave.yaml"), """
                    tools:
                      backends:
                        - backend: openai-speech
                          name: test-tts
                          baseUrl: http://127.0.0.1:%d
                          apiKey: sk-test
                    """.formatted(server.getAddress().getPort()));

            assertThat(run("tools", "list", "--config", config.toString())).isZero();
            assertThat(out.toString()).contains("test-tts", "text-to-speech");
            int exit = run("generate", "--tool", "test-tts", "--config", config.toString(), "--args", "{\"text\":\"hello\"}",
                    "--out", dir.resolve("out").toString(), "--store", dir.resolve(".store").toString());
            assertThat(exit).as(err.toString()).isZero();
            JsonNode report = Json.parse(out.toString().strip());
            assertThat(report.get("mimeType").asText()).isEqualTo("audio/wav");
            assertThat(Files.readAllBytes(Path.of(report.get("path").asText()))).isEqualTo(wav);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void http_generator_settings_with_a_misspelt_key_exit_2(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("modaweave.yaml"),
                "tools:\n  backends:\n    - backend: comfyui\n      workfow: flow.json\n");
        assertThat(run("tools", "list", "--config", config.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("tools.backends[0]").contains("unknown setting [workfow]").contains("workflow");
    }

    @Test
    void generate_retries_a_backend_answering_503_then_succeeds(@TempDir Path dir) throws IOException {
        byte[] wav = wav();
        var server = new com.github.tomakehurst.wiremock.WireMockServer(
                com.github.tomakehurst.wiremock.core.WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        try {
            server.stubFor(post("/v1/audio/speech").inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(aResponse().withStatus(503).withHeader("Content-Type", "application/json")
                            .withBody("{\"error\":{\"message\":\"model is loading\"}}"))
                    .willSetStateTo("loaded"));
            server.stubFor(post("/v1/audio/speech").inScenario("busy").whenScenarioStateIs("loaded")
                    .willReturn(aResponse().withHeader("Content-Type", "audio/wav").withBody(wav)));
            Path config = Files.writeString(dir.resolve("modaweave.yaml"), """
                    tools:
                      backends:
                        - backend: openai-speech
                          name: flaky-tts
                          baseUrl: http://127.0.0.1:%d
                          apiKey: sk-test
                    """.formatted(server.port()));

            int exit = run("generate", "--tool", "flaky-tts", "--config", config.toString(), "--args", "{\"text\":\"hello\"}",
                    "--out", dir.resolve("out").toString(), "--store", dir.resolve(".store").toString());

            assertThat(exit).as(err.toString()).isZero();
            JsonNode report = Json.parse(out.toString().strip());
            assertThat(report.get("attempts").asInt()).isEqualTo(2);
            assertThat(Files.readAllBytes(Path.of(report.get("path").asText()))).isEqualTo(wav);
            assertThat(err.toString()).contains("retrying after attempt 1").contains("model is loading");
            assertThat(server.findAll(postRequestedFor(urlEqualTo("/v1/audio/speech")))).hasSize(2);
        } finally {
            server.stop();
        }
    }

    @Test
    void generate_gives_up_after_its_attempts_and_exits_1_with_the_backends_reason(@TempDir Path dir) throws IOException {
        var server = new com.github.tomakehurst.wiremock.WireMockServer(
                com.github.tomakehurst.wiremock.core.WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        try {
            server.stubFor(post("/v1/audio/speech").willReturn(aResponse().withStatus(503)
                    .withHeader("Content-Type", "application/json").withBody("{\"error\":{\"message\":\"overloaded\"}}")));
            Path config = Files.writeString(dir.resolve("modaweave.yaml"), "tools:\n  backends:\n    - backend: openai-speech\n"
                    + "      name: dead-tts\n      apiKey: sk-test\n      baseUrl: http://127.0.0.1:" + server.port() + "\n");

            int exit = run("generate", "--tool", "dead-tts", "--config", config.toString(), "--args", "{\"text\":\"hello\"}",
                    "--attempts", "2", "--out", dir.resolve("out").toString(), "--store", dir.resolve(".store").toString());

            assertThat(exit).isEqualTo(1);
            assertThat(err.toString()).contains("after 2 attempt(s)").contains("overloaded");
            assertThat(server.findAll(postRequestedFor(urlEqualTo("/v1/audio/speech")))).hasSize(2);
        } finally {
            server.stop();
        }
    }

    @Test
    void tools_list_check_shows_an_http_backend_that_is_down_as_unreachable_and_one_that_is_up_as_available(@TempDir Path dir)
            throws IOException {
        HttpServer up = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        up.start();
        int downPort;
        try (var socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            downPort = socket.getLocalPort();
        }
        try {
            Path config = Files.writeString(dir.resolve("modaweave.yaml"), """
                    tools:
                      backends:
                        - backend: openai-speech
                          name: tts-up
                          baseUrl: http://127.0.0.1:%d
                          apiKey: sk-test
                        - backend: automatic1111
                          name: sd-down
                          baseUrl: http://127.0.0.1:%d
                    """.formatted(up.getAddress().getPort(), downPort));

            assertThat(run("tools", "list", "--json", "--check", "--config", config.toString())).as(err.toString()).isZero();
            JsonNode list = Json.parse(out.toString());
            java.util.Map<String, JsonNode> byName = new java.util.HashMap<>();
            list.forEach(t -> byName.put(t.get("name").asText(), t));
            assertThat(byName.get("sd-down").get("availability").asText()).isEqualTo("unreachable");
            assertThat(byName.get("sd-down").get("unreachable").asText()).contains("127.0.0.1:" + downPort);
            assertThat(byName.get("tts-up").get("availability").asText()).isEqualTo("available");
            assertThat(byName.get("preview-image").get("availability").asText()).isEqualTo("available");

            assertThat(run("tools", "list", "--config", config.toString())).isZero();
            assertThat(out.toString()).contains("AVAILABILITY").doesNotContain("unreachable");
        } finally {
            up.stop(0);
        }
    }

    private static byte[] wav() {
        ByteBuffer b = ByteBuffer.allocate(44 + 800).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 800).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(8000).putInt(16000).putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(800);
        return b.array();
    }
}
