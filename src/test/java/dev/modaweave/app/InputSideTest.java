package dev.modaweave.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.modaweave.tools.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.awt.Color;
import java.awt.Font;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the user sends reaches the LLM: through a configured vision endpoint (a loopback stand-in in
 * the OpenAI chat format), through the offline describers when nothing is configured, through offline
 * speech recognition, and through the learned projector as prompt embeddings.
 */
class InputSideTest {

    @TempDir
    Path dir;
    private WireMockServer server;

    @BeforeEach
    void start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    /** A dark blue sign with white capitals, 400×120. */
    private Path sign() throws Exception {
        BufferedImage image = new BufferedImage(400, 120, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(new Color(15, 25, 90));
        g.fillRect(0, 0, 400, 120);
        g.setColor(Color.WHITE);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 44));
        g.drawString("OPEN ALL DAY", 24, 78);
        g.dispose();
        Path file = dir.resolve("photo.png");
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    private CliRunner.Result run(String message, Path input, Path config) {
        List<String> args = new ArrayList<>(List.of("run", message, "--in", input.toString(),
                "--out", dir.resolve("out").toString(), "--store", dir.resolve("store").toString()));
        if (config != null) {
            args.addAll(List.of("--config", config.toString()));
        }
        return CliRunner.run(args.toArray(String[]::new));
    }

    private String base() {
        return "http://127.0.0.1:" + server.port();
    }

    @Test
    void with_a_vision_endpoint_configured_the_llm_is_shown_its_caption() throws Exception {
        server.stubFor(post(urlPathEqualTo("/captioner/v1/chat/completions")).willReturn(okJson(
                "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                        + "\"content\":\"A blue shop sign reading OPEN ALL DAY.\"},\"finish_reason\":\"stop\"}]}")));
        server.stubFor(post(urlPathEqualTo("/llm/v1/chat/completions")).willReturn(aResponse()
                .withHeader("Content-Type", "text/event-stream").withBody(RunCommandTest.sse("It is a shop sign."))));
        Path config = dir.resolve("modaweave.yaml");
        Files.writeString(config, """
                llm:
                  provider: openai
                  baseUrl: %s/llm/v1
                  model: m
                  maxRetries: 0
                tools:
                  http:
                    - backend: openai-vision
                      name: llava-captions
                      baseUrl: %s/captioner
                      model: llava:13b
                """.formatted(base(), base()));

        var result = run("what is in this picture?", sign(), config);

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("It is a shop sign.");
        server.verify(postRequestedFor(urlPathEqualTo("/captioner/v1/chat/completions")));
        String llmRequest = server.findAll(postRequestedFor(urlPathEqualTo("/llm/v1/chat/completions"))).get(0).getBodyAsString();
        assertThat(llmRequest).contains("A blue shop sign reading OPEN ALL DAY.").doesNotContain("Offline description");
    }

    @Test
    void a_multimodal_llm_is_shown_the_picture_itself() throws Exception {
        server.stubFor(post(urlPathEqualTo("/v1/chat/completions")).willReturn(aResponse()
                .withHeader("Content-Type", "text/event-stream").withBody(RunCommandTest.sse("A sign."))));
        Path config = dir.resolve("modaweave.yaml");
        Files.writeString(config, "llm:\n  provider: openai\n  baseUrl: " + base() + "/v1\n  model: m\n  maxRetries: 0\n  multimodal: true\n");

        var result = run("what is in this picture?", sign(), config);

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode request = Json.parse(server.findAll(postRequestedFor(urlPathEqualTo("/v1/chat/completions"))).get(0).getBodyAsString());
        assertThat(request.toString()).contains("\"image_url\"").contains("data:image/png;base64,");
    }

    @Test
    void offline_the_answer_is_built_on_the_measured_description_and_says_what_it_could_not_see() throws Exception {
        var result = run("what is in this picture?", sign(), null);

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("Here is what I can tell about the attached image: Offline description")
                .contains("400×120 picture").contains("dark blue")
                .contains("What it depicts is unknown without a captioning model");
    }

    @Test
    void offline_speech_in_a_recording_is_transcribed_where_pocketsphinx_is_installed() throws Exception {
        Path spoken = Path.of("/usr/share/pocketsphinx/test/data/goforward.raw");
        boolean ready = Stream.of("/usr/bin/pocketsphinx_continuous").allMatch(p -> Files.isExecutable(Path.of(p)))
                && Files.isRegularFile(spoken);
        if (!"true".equals(System.getenv("CI"))) {
            assumeTrue(ready, "pocketsphinx or its test recording is missing (Debian packages pocketsphinx pocketsphinx-en-us "
                    + "pocketsphinx-testdata); offline transcription is not tested");
        }
        assertThat(ready).as("pocketsphinx, pocketsphinx-en-us and pocketsphinx-testdata are required when CI=true").isTrue();
        byte[] pcm = Files.readAllBytes(spoken);
        Path wav = dir.resolve("speech.wav");
        var format = new AudioFormat(16_000, 16, 1, true, false);
        AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(pcm), format, pcm.length / 2), AudioFileFormat.Type.WAVE, wav.toFile());

        var result = run("write down what they say", wav, null);

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("Here is what I can tell about the attached audio:").contains("go forward ten meters");
    }

    @Test
    void with_the_learned_projector_the_prompt_goes_to_vllm_as_embeddings() throws Exception {
        Path fixtures = Path.of("..", "generators", "projector", "src", "test", "resources", "dev", "modaweave", "projector", "tiny");
        Path tiny = dir.resolve("tiny");
        try (Stream<Path> files = Files.walk(fixtures)) {
            for (Path f : files.toList()) {
                Path to = tiny.resolve(fixtures.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        Path pairs = Files.createDirectories(dir.resolve("pairs"));
        ImageIO.write(ImageIO.read(sign().toFile()), "png", pairs.resolve("sign.png").toFile());
        Files.writeString(pairs.resolve("pairs.jsonl"), "{\"image\":\"sign.png\",\"caption\":\"a blue sign on the street\"}\n");
        var trained = CliRunner.run("projector", "train", "--spec", tiny.resolve("projector.json").toString(),
                "--data", pairs.toString(), "--epochs", "3");
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        assertThat(trained.out()).contains("wrote").contains("1 pairs, 3 epochs");
        assertThat(trained.err()).contains("epoch 3/3: loss");

        server.stubFor(post(urlPathEqualTo("/v1/completions")).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                .withBody("data: {\"choices\":[{\"index\":0,\"text\":\"A blue sign.\",\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")));
        Path config = dir.resolve("modaweave.yaml");
        Files.writeString(config, "llm:\n  provider: openai\n  baseUrl: " + base() + "/v1\n  model: tiny-llm\n  maxRetries: 0\n"
                + "  projector: learned\n  projectorSpec: tiny/projector.json\n");

        var result = run("what is in this picture?", sign(), config);

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("A blue sign.");
        JsonNode request = Json.parse(server.findAll(postRequestedFor(urlPathEqualTo("/v1/completions"))).get(0).getBodyAsString());
        assertThat(request.path("model").asText()).isEqualTo("tiny-llm");
        assertThat(request.path("prompt_embeds").asText()).isNotEmpty();
        assertThat(request.has("prompt")).isFalse();
    }
}
