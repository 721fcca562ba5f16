package dev.modaweave.projector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The learned projector end to end on tiny random-weight fixtures made by
 * {@code scripts/make_tiny_projector.py}: components match the reference the script computed with
 * PyTorch, training lowers the loss and is deterministic, and the chat model sends vLLM a
 * {@code prompt_embeds} request whose rows are the template's text embeddings with the picture's
 * soft tokens in place.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LearnedProjectorTest {

    @TempDir
    static Path dir;
    private ProjectorSpec spec;
    private JsonNode reference;
    private WireMockServer vllm;

    @BeforeAll
    void copyFixturesAndTrain() throws Exception {
        Path fixtures = Path.of(getClass().getResource("tiny/projector.json").toURI()).getParent();
        try (Stream<Path> files = Files.walk(fixtures)) {
            for (Path f : files.toList()) {
                Path to = dir.resolve("tiny").resolve(fixtures.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        spec = ProjectorSpec.load(dir.resolve("tiny/projector.json"));
        reference = new ObjectMapper().readTree(dir.resolve("tiny/reference.json").toFile());
        vllm = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        vllm.start();
    }

    @AfterAll
    void stop() {
        vllm.stop();
    }

    /** 32×32, pixel (y, x) = (8x, 8y, 128): the picture the fixture script encoded. */
    static BufferedImage gradient() {
        BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                image.setRGB(x, y, (8 * x) << 16 | (8 * y) << 8 | 128);
            }
        }
        return image;
    }

    static BufferedImage plain(Color colour) {
        BufferedImage image = new BufferedImage(24, 24, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, 24, 24);
        g.dispose();
        return image;
    }

    /** Twelve pictures in four colours, each captioned with its colour. */
    private Path trainingData() throws Exception {
        Path data = Files.createDirectories(dir.resolve("pairs"));
        List<String> lines = new ArrayList<>();
        Color[] colours = {Color.RED, Color.BLUE, Color.GREEN, Color.DARK_GRAY};
        String[] captions = {"a red kite in the sky", "a blue boat on the sea", "a green tree in a field", "a dark street at night"};
        for (int i = 0; i < 12; i++) {
            ImageIO.write(plain(colours[i % 4].brighter()), "png", data.resolve("p" + i + ".png").toFile());
            lines.add("{\"image\":\"p" + i + ".png\",\"caption\":\"" + captions[i % 4] + "\"}");
        }
        Files.write(data.resolve("pairs.jsonl"), lines);
        return data;
    }

    private ProjectorTrainer.Report train(Path output) throws Exception {
        return new ProjectorTrainer(spec).epochs(40).batchSize(4).learningRate(0.01f).seed(3)
                .train(trainingData(), output, epoch -> { });
    }

    @Test
    void the_encoder_and_embedding_table_match_the_pytorch_reference() {
        try (SoftPromptProjector p = SoftPromptProjector.forTraining(spec)) {
            float[] embedding = p.encode(gradient());
            JsonNode expected = reference.get("embedding");
            assertThat(embedding).hasSize(expected.size());
            for (int i = 0; i < embedding.length; i++) {
                assertThat((double) embedding[i]).as("embedding[%d]", i).isCloseTo(expected.get(i).asDouble(), within(1e-4));
            }
            long[] ids = p.tokenize(reference.get("text").asText());
            List<Long> expectedIds = new ArrayList<>();
            reference.get("ids").forEach(n -> expectedIds.add(n.asLong()));
            assertThat(ids).containsExactly(expectedIds.stream().mapToLong(Long::longValue).toArray());
            float[][] rows = p.embedText(reference.get("text").asText());
            for (int r = 0; r < rows.length; r++) {
                for (int c = 0; c < rows[r].length; c++) {
                    assertThat((double) rows[r][c]).isCloseTo(reference.get("textEmbeddings").get(r).get(c).asDouble(), within(1e-6));
                }
            }
        }
    }

    @Test
    void training_lowers_the_loss_and_is_deterministic_for_a_seed() throws Exception {
        ProjectorTrainer.Report first = train(dir.resolve("a.params"));
        ProjectorTrainer.Report second = train(dir.resolve("b.params"));
        assertThat(first.pairs()).isEqualTo(12);
        double start = first.epochs().get(0).loss();
        double end = first.epochs().get(first.epochs().size() - 1).loss();
        assertThat(end).as("last epoch's loss against the first's (%s)", start).isLessThan(start / 2);
        assertThat(Files.readAllBytes(second.output())).isEqualTo(Files.readAllBytes(first.output()));
    }

    @Test
    void the_chat_model_sends_vllm_the_prompt_as_embeddings_with_the_picture_in_place() throws Exception {
        train(spec.projector());
        vllm.stubFor(post(urlPathEqualTo("/v1/completions")).willReturn(aResponse()
                .withHeader("Content-Type", "text/event-stream")
                .withBody("data: {\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"choices\":[{\"index\":0,\"text\":\"A red\",\"finish_reason\":null}]}\n\n"
                        + "data: {\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"choices\":[{\"index\":0,\"text\":\" kite.\",\"finish_reason\":\"stop\"}]}\n\n"
                        + "data: [DONE]\n\n")));
        BufferedImage picture = plain(Color.RED);
        var png = new ByteArrayOutputStream();
        ImageIO.write(picture, "png", png);
        var messages = List.of(SystemMessage.from("you are a helpful assistant"),
                UserMessage.from(TextContent.from("what is in"), ImageContent.from(Base64.getEncoder().encodeToString(png.toByteArray()), "image/png"),
                        TextContent.from("?")));

        try (SoftPromptProjector projector = SoftPromptProjector.load(spec);
             var model = PromptEmbedsChatModel.builder().projector(projector).baseUrl("http://127.0.0.1:" + vllm.port() + "/v1")
                     .model("tiny-llm").maxTokens(32).build()) {
            var done = new CompletableFuture<ChatResponse>();
            StringBuilder partial = new StringBuilder();
            model.chat(ChatRequest.builder().messages(messages).build(), new StreamingChatResponseHandler() {
                @Override
                public void onPartialResponse(String text) {
                    partial.append(text);
                }

                @Override
                public void onCompleteResponse(ChatResponse response) {
                    done.complete(response);
                }

                @Override
                public void onError(Throwable error) {
                    done.completeExceptionally(error);
                }
            });
            ChatResponse response = done.get(60, TimeUnit.SECONDS);
            assertThat(partial.toString()).isEqualTo("A red kite.");
            assertThat(response.aiMessage().text()).isEqualTo("A red kite.");

            JsonNode request = new ObjectMapper().readTree(vllm.getAllServeEvents().get(0).getRequest().getBodyAsString());
            assertThat(request.get("model").asText()).isEqualTo("tiny-llm");
            assertThat(request.get("stream").asBoolean()).isTrue();
            byte[] file = Base64.getDecoder().decode(request.get("prompt_embeds").asText());
            float[][] rows = TorchTensorFile.read(file);

            float[][] before = projector.embedText("SYSTEM: you are a helpful assistant\nUSER: what is in");
            float[][] soft = projector.project(projector.encode(picture));
            float[][] after = projector.embedText("?\nASSISTANT:");
            assertThat(rows.length).isEqualTo(before.length + spec.softTokens() + after.length);
            assertThat(rows[0]).hasSize(spec.hiddenSize());
            for (int k = 0; k < spec.softTokens(); k++) {
                assertThat(rows[before.length + k]).as("soft token %d", k).containsExactly(soft[k]);
            }
            assertThat(rows[0]).containsExactly(before[0]);
            assertThat(rows[rows.length - 1]).containsExactly(after[after.length - 1]);
            TorchFiles.assertLoadsInPyTorch(file, rows);
        }
    }

    @Test
    void a_spec_with_a_missing_file_or_bad_shape_is_refused_in_words() throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, Files.readString(dir.resolve("tiny/projector.json")).replace("\"encoder.pt\"", "\"nowhere.pt\""));
        assertThatThrownBy(() -> ProjectorSpec.load(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'encoder' names").hasMessageContaining("does not exist");
        Path unknown = dir.resolve("tiny/unknown.json");
        Files.writeString(unknown, Files.readString(dir.resolve("tiny/projector.json")).replace("\"softTokens\"", "\"softTokenz\""));
        assertThatThrownBy(() -> ProjectorSpec.load(unknown)).hasMessageContaining("unknown key 'softTokenz'");
        Path untrained = dir.resolve("tiny/untrained.json");
        Files.writeString(untrained, Files.readString(dir.resolve("tiny/projector.json")).replace("projector.params", "none.params"));
        assertThatThrownBy(() -> SoftPromptProjector.load(ProjectorSpec.load(untrained)))
                .hasMessageContaining("do not exist; train them with");
    }
}
