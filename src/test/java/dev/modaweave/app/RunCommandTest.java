package dev.modaweave.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.MediaTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RunCommandTest {

    @TempDir
    Path dir;

    @Test
    void run_writes_real_media_for_every_meta_response_and_prints_their_paths() throws Exception {
        Path out = dir.resolve("out");
        var result = CliRunner.run("run", "A fox: <meta>{\"id\":\"img1\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"a red fox\"}}</meta>\n"
                        + "Modality: [AUDIO] Prompt: wind in pines",
                "--out", out.toString(), "--store", dir.resolve("store").toString(), "--json");

        assertThat(result.exitCode()).as(result.err()).isZero();
        List<JsonNode> events = result.out().lines().map(Json::parse).toList();
        List<JsonNode> artifacts = events.stream().filter(e -> e.get("type").asText().equals("artifact")).toList();
        assertThat(artifacts).hasSize(2);
        for (JsonNode a : artifacts) {
            Path file = Path.of(a.get("path").asText());
            assertThat(file).exists().hasParent(out);
            assertThat(file.getFileName().toString()).startsWith(a.get("id").asText());
            assertThat(MediaTypes.sniff(Files.readAllBytes(file))).contains(a.get("mimeType").asText());
        }
        assertThat(events.get(events.size() - 1).get("type").asText()).isEqualTo("turn_done");
    }

    static final String ALPHA_BETA_GAMMA = "Alpha <meta>{\"id\":\"img1\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"a red fox in snow\"}}</meta>"
            + " Beta <meta>{\"id\":\"snd1\",\"task\":\"text-to-audio\",\"args\":{\"prompt\":\"wind in pines\"}}</meta> Gamma";

    @Test
    void run_prints_each_artifact_at_its_place_and_writes_answer_md_and_html_in_that_order() throws Exception {
        Path out = dir.resolve("out");
        var result = CliRunner.run("run", ALPHA_BETA_GAMMA, "--out", out.toString(), "--store", dir.resolve("store").toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).containsSubsequence("Alpha", "[image] " + out, "Beta", "[audio] " + out, "Gamma");
        String markdown = Files.readString(out.resolve("answer.md"));
        var image = java.util.regex.Pattern.compile("!\\[a red fox in snow]\\((art_[a-z0-9]+\\.png)\\)").matcher(markdown);
        var audio = java.util.regex.Pattern.compile("\\[audio: wind in pines]\\((art_[a-z0-9]+\\.wav)\\)").matcher(markdown);
        assertThat(image.find()).as(markdown).isTrue();
        assertThat(audio.find()).as(markdown).isTrue();
        assertThat(markdown.indexOf("Alpha")).isLessThan(image.start());
        assertThat(image.end()).isLessThan(markdown.indexOf("Beta"));
        assertThat(markdown.indexOf("Beta")).isLessThan(audio.start());
        assertThat(audio.end()).isLessThan(markdown.indexOf("Gamma"));
        assertThat(out.resolve(image.group(1))).exists();
        assertThat(out.resolve(audio.group(1))).exists();

        String html = Files.readString(out.resolve("answer.html"));
        assertThat(html).containsSubsequence("<p>Alpha</p>", "<img src=\"" + image.group(1) + "\"", "<p>Beta</p>",
                "<audio controls preload=\"metadata\" src=\"" + audio.group(1) + "\"", "<p>Gamma</p>");
        assertThat(html).doesNotContain("http:").doesNotContain("https:").doesNotContain("<script");
    }

    @Test
    void with_json_every_call_event_carries_its_offset_in_the_text() {
        var result = CliRunner.run("run", ALPHA_BETA_GAMMA, "--out", dir.resolve("o").toString(), "--store", dir.resolve("s").toString(), "--json");

        assertThat(result.exitCode()).as(result.err()).isZero();
        List<JsonNode> events = result.out().lines().map(Json::parse).toList();
        assertThat(events.stream().filter(e -> e.get("type").asText().equals("artifact")).map(e -> e.get("callId").asText() + "@" + e.get("at").asInt()))
                .containsExactlyInAnyOrder("img1@" + "Alpha ".length(), "snd1@" + "Alpha  Beta ".length());
        assertThat(dir.resolve("o").resolve("answer.md")).exists();
    }

    static String sse(String... deltas) {
        StringBuilder sb = new StringBuilder();
        for (String d : deltas) {
            var chunk = Json.object().put("id", "c1").put("object", "chat.completion.chunk").put("created", 1).put("model", "m");
            var choice = chunk.putArray("choices").addObject().put("index", 0);
            choice.putObject("delta").put("content", d);
            choice.putNull("finish_reason");
            sb.append("data: ").append(Json.write(chunk)).append("\n\n");
        }
        var last = Json.object().put("id", "c1").put("object", "chat.completion.chunk").put("created", 1).put("model", "m");
        var choice = last.putArray("choices").addObject().put("index", 0);
        choice.putObject("delta");
        choice.put("finish_reason", "stop");
        sb.append("data: ").append(Json.write(last)).append("\n\ndata: [DONE]\n\n");
        return sb.toString();
    }

    @Test
    void with_an_llm_configured_the_message_is_a_request_to_it() throws Exception {
        var server = new com.github.tomakehurst.wiremock.WireMockServer(
                com.github.tomakehurst.wiremock.core.WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        try {
            server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/v1/chat/completions")
                    .inScenario("turn").whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                    .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withHeader("Content-Type", "text/event-stream")
                            .withBody(sse("Here you go: <meta>{\"id\":\"img1\",\"task\":\"text-to-image\",", "\"args\":{\"prompt\":\"a fox\"}}</meta>")))
                    .willSetStateTo("continued"));
            server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/v1/chat/completions")
                    .inScenario("turn").whenScenarioStateIs("continued")
                    .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withHeader("Content-Type", "text/event-stream")
                            .withBody(sse(" Enjoy!"))));
            Path config = dir.resolve("modaweave.yaml");
            Files.writeString(config, "llm:\n  provider: openai\n  baseUrl: http://127.0.0.1:" + server.port() + "/v1\n  model: m\n  maxRetries: 0\n");

            var result = CliRunner.run("run", "paint a fox", "--config", config.toString(),
                    "--out", dir.resolve("out").toString(), "--store", dir.resolve("store").toString());

            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(result.out()).contains("Here you go:").contains("[image]").contains("Enjoy!");
            assertThat(server.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                    com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/v1/chat/completions")))).hasSize(2);
        } finally {
            server.stop();
        }
    }

    @Test
    void a_bad_configuration_file_exits_two_naming_the_key() throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "agent:\n  maxRound: 3\n");
        var result = CliRunner.run("run", "Modality: [IMAGE] Prompt: x", "--config", config.toString(),
                "--out", dir.resolve("o").toString(), "--store", dir.resolve("s").toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("agent.maxRound");
    }

    @Test
    void a_bad_tool_entry_in_the_configuration_is_named() throws Exception {
        Path config = dir.resolve("tools.yaml");
        Files.writeString(config, "tools:\n  http:\n    - backend: dalle-nine\n      name: x\n");
        var result = CliRunner.run("run", "Modality: [IMAGE] Prompt: x", "--config", config.toString(),
                "--out", dir.resolve("o").toString(), "--store", dir.resolve("s").toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("tools.http[0]").contains("dalle-nine");
    }

    @Test
    void without_an_llm_the_embedded_planner_turns_a_plain_request_into_calls() {
        var result = CliRunner.run("run", "Draw a red fox in fresh snow and then describe it out loud.",
                "--out", dir.resolve("o").toString(), "--store", dir.resolve("s").toString(), "--json");

        assertThat(result.exitCode()).as(result.err()).isZero();
        List<JsonNode> events = result.out().lines().map(Json::parse).toList();
        assertThat(events.stream().filter(e -> e.get("type").asText().equals("artifact")).map(e -> e.get("modality").asText()))
                .containsExactlyInAnyOrder("image", "audio");
    }

    @Test
    void an_invalid_call_is_reported_and_the_exit_code_says_so() {
        var result = CliRunner.run("run", "<meta>{\"task\":\"text-to-image\",\"args\":{}}</meta>",
                "--out", dir.resolve("o").toString(), "--store", dir.resolve("s").toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("rejected").contains("prompt");
    }

    @Test
    void an_input_file_that_is_not_media_is_refused() throws Exception {
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "hello");
        var result = CliRunner.run("run", "Modality: [IMAGE] Prompt: x", "--in", text.toString(),
                "--out", dir.resolve("o").toString(), "--store", dir.resolve("s").toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("notes.txt").contains("not an image, audio or video");
    }
}
