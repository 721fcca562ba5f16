package dev.modaweave.generators.http;

import dev.modaweave.generators.http.FaultMatrixTest.BackendFault;
import dev.modaweave.tools.Artifact;
import dev.modaweave.tools.Cancellation;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.InvalidMediaException;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.RetriableToolException;
import dev.modaweave.tools.Tasks;
import dev.modaweave.tools.ToolAuthenticationException;
import dev.modaweave.tools.ToolException;
import dev.modaweave.tools.ToolTimeoutException;
import dev.modaweave.tools.ToolUnavailableException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aMultipart;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The captioning backends (OpenAI-compatible vision for pictures and videos, OpenAI-compatible
 * transcription for speech) against WireMock in their real wire formats: requests, answers, the
 * fault matrix of the generators, and the contract test.
 */
class CaptionerToolsTest {

    static final String ID = "art_abcdefghijklmnopqrstuvwxyz";
    static final byte[] PNG = TestMedia.png(16, 12);
    static final byte[] WAV = TestMedia.wav(200);
    static final String CAPTION = "A red kite above a green field.";
    static final String CHAT_ANSWER = """
            {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"llava",
             "choices":[{"index":0,"message":{"role":"assistant","content":"%s"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":90,"completion_tokens":9,"total_tokens":99}}""".formatted(CAPTION);
    static final String TRANSCRIPT = "{\"text\":\"Go forward ten meters.\"}";

    @RegisterExtension
    static final Backends.Server wm = new Backends.Server();

    static GenerationRequest.InputArtifact input(byte[] bytes, String mimeType) {
        var artifact = new Artifact(ID, mimeType, bytes.length, "0".repeat(64), Map.of(), "upload", Json.object(), List.of(), Instant.EPOCH);
        return new GenerationRequest.InputArtifact(artifact, bytes);
    }

    /** Six GIF frames: three red, three blue. */
    static byte[] gif() throws Exception {
        var writer = javax.imageio.ImageIO.getImageWritersByFormatName("gif").next();
        var out = new ByteArrayOutputStream();
        try (var stream = javax.imageio.ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.prepareWriteSequence(null);
            for (int i = 0; i < 6; i++) {
                BufferedImage frame = new BufferedImage(20, 10, BufferedImage.TYPE_INT_RGB);
                var g = frame.createGraphics();
                g.setColor(i < 3 ? Color.RED : Color.BLUE);
                g.fillRect(0, 0, 20, 10);
                g.dispose();
                writer.writeToSequence(new javax.imageio.IIOImage(frame, null, null), null);
            }
            writer.endWriteSequence();
        }
        return out.toByteArray();
    }

    static BackendFixture vision() {
        return new BackendFixture("OpenAI-compatible vision",
                (server, read) -> new OpenAiVisionTool(Backends.testSettings(OpenAiVisionConfig.builder(), server).readTimeout(read)
                        .name("llava-captions").model("llava:13b").build()),
                server -> server.stubFor(post(urlPathEqualTo("/v1/chat/completions")).willReturn(okJson(CHAT_ANSWER))),
                () -> post(urlPathEqualTo("/v1/chat/completions")),
                () -> okJson(CHAT_ANSWER),
                () -> post(urlPathEqualTo("/v1/chat/completions")),
                () -> okJson("{\"choices\":[{\"message\":{\"role\":\"assistant\"}}]}"),
                UnexpectedResponseException.class,
                () -> okJson(CHAT_ANSWER.substring(0, CHAT_ANSWER.length() / 2)),
                Backends.args("{\"image\":\"" + ID + "\"}"),
                CAPTION.getBytes(StandardCharsets.UTF_8), "text/plain");
    }

    static BackendFixture transcription() {
        return new BackendFixture("OpenAI-compatible transcription",
                (server, read) -> new OpenAiTranscriptionTool(Backends.testSettings(OpenAiTranscriptionConfig.builder(), server)
                        .readTimeout(read).name("whisper").language("en").build()),
                server -> server.stubFor(post(urlPathEqualTo("/v1/audio/transcriptions")).willReturn(okJson(TRANSCRIPT))),
                () -> post(urlPathEqualTo("/v1/audio/transcriptions")),
                () -> okJson(TRANSCRIPT),
                () -> post(urlPathEqualTo("/v1/audio/transcriptions")),
                () -> okJson("{\"segments\":[]}"),
                UnexpectedResponseException.class,
                () -> okJson(TRANSCRIPT.substring(0, 10)),
                Backends.args("{\"audio\":\"" + ID + "\"}"),
                "Go forward ten meters.".getBytes(StandardCharsets.UTF_8), "text/plain");
    }

    static Map<String, GenerationRequest.InputArtifact> inputsOf(BackendFixture fixture) {
        return fixture.arguments().has("audio") ? Map.of("audio", input(WAV, "audio/wav")) : Map.of("image", input(PNG, "image/png"));
    }

    static GenerationRequest request(BackendFixture fixture) {
        return new GenerationRequest("job-1", fixture.arguments(), inputsOf(fixture), Cancellation.create());
    }

    static Stream<Arguments> matrix() {
        return Stream.of(vision(), transcription())
                .flatMap(b -> Arrays.stream(BackendFault.values()).map(f -> Arguments.of(b, f)));
    }

    @Test
    void a_picture_goes_to_the_chat_endpoint_as_an_image_data_uri_and_the_answer_is_the_caption() {
        vision().happy().accept(wm);
        try (GeneratorTool tool = vision().build(wm)) {
            GenerationResult result = tool.generate(request(vision()), ProgressListener.NONE);
            assertThat(new String(result.bytes(), StandardCharsets.UTF_8)).isEqualTo(CAPTION);
            assertThat(result.mimeType()).isEqualTo("text/plain");
            assertThat(tool.descriptor().task()).isEqualTo(Tasks.IMAGE_TO_TEXT);
        }
        wm.verify(postRequestedFor(urlPathEqualTo("/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer " + Backends.SECRET))
                .withRequestBody(matchingJsonPath("$.model", equalTo("llava:13b")))
                .withRequestBody(matchingJsonPath("$.messages[0].content[0].type", equalTo("text")))
                .withRequestBody(matchingJsonPath("$.messages[0].content[1].image_url.url",
                        equalTo("data:image/png;base64," + java.util.Base64.getEncoder().encodeToString(PNG)))));
    }

    @Test
    void a_question_in_the_call_replaces_the_default_one() {
        vision().happy().accept(wm);
        try (GeneratorTool tool = vision().build(wm)) {
            tool.generate(new GenerationRequest("job", Backends.args("{\"image\":\"" + ID + "\",\"prompt\":\"How many kites?\"}"),
                    Map.of("image", input(PNG, "image/png")), Cancellation.create()), ProgressListener.NONE);
        }
        wm.verify(postRequestedFor(urlPathEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.messages[0].content[0].text", equalTo("How many kites?"))));
    }

    @Test
    void a_video_goes_as_evenly_spaced_keyframes_in_one_message() throws Exception {
        wm.stubFor(post(urlPathEqualTo("/v1/chat/completions")).willReturn(okJson(CHAT_ANSWER)));
        var config = Backends.testSettings(OpenAiVisionConfig.builder(), wm).task(Tasks.VIDEO_TO_TEXT).model("gpt-4o-mini").frames(3).build();
        try (GeneratorTool tool = new OpenAiVisionTool(config)) {
            assertThat(tool.descriptor().task()).isEqualTo(Tasks.VIDEO_TO_TEXT);
            assertThat(tool.descriptor().name()).isEqualTo("openai-video-captions");
            GenerationResult result = tool.generate(new GenerationRequest("job", Backends.args("{\"video\":\"" + ID + "\"}"),
                    Map.of("video", input(gif(), "image/gif")), Cancellation.create()), ProgressListener.NONE);
            assertThat(result.attributes()).containsEntry("frames", 3);
        }
        wm.verify(postRequestedFor(urlPathEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.messages[0].content[0].text", containing("These are 3 frames of one video")))
                .withRequestBody(matchingJsonPath("$.messages[0].content[3].image_url.url", containing("data:image/png;base64,")))
                .withRequestBody(matchingJsonPath("$.messages[0].content[4]", com.github.tomakehurst.wiremock.client.WireMock.absent())));
    }

    @Test
    void an_mp4_without_ffmpeg_or_a_non_video_is_refused_in_words() throws Exception {
        var config = Backends.testSettings(OpenAiVisionConfig.builder(), wm).task(Tasks.VIDEO_TO_TEXT).model("m").build();
        try (GeneratorTool tool = new OpenAiVisionTool(config)) {
            assertThatThrownBy(() -> tool.generate(new GenerationRequest("job", Backends.args("{\"video\":\"" + ID + "\"}"),
                    Map.of("video", input(PNG, "image/png")), Cancellation.create()), ProgressListener.NONE))
                    .isInstanceOf(InvalidMediaException.class).hasMessageContaining("is not a video");
        }
    }

    @Test
    void speech_goes_as_a_multipart_file_with_model_and_language() {
        transcription().happy().accept(wm);
        try (GeneratorTool tool = transcription().build(wm)) {
            GenerationResult result = tool.generate(request(transcription()), ProgressListener.NONE);
            assertThat(new String(result.bytes(), StandardCharsets.UTF_8)).isEqualTo("Go forward ten meters.");
        }
        wm.verify(postRequestedFor(urlPathEqualTo("/v1/audio/transcriptions"))
                .withHeader("Content-Type", containing("multipart/form-data"))
                .withRequestBodyPart(aMultipart("file").withHeader("Content-Type", equalTo("audio/wav")).build())
                .withRequestBodyPart(aMultipart("model").withBody(equalTo("whisper-1")).build())
                .withRequestBodyPart(aMultipart("language").withBody(equalTo("en")).build()));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("matrix")
    void each_fault_becomes_the_right_typed_exception(BackendFixture backend, BackendFault fault) {
        backend.happy().accept(wm);
        wm.stubFor(backend.target().get().atPriority(1).willReturn(FaultMatrixTest.response(backend, fault)));
        ToolException error;
        try (GeneratorTool tool = backend.tool().apply(wm, fault == BackendFault.SLOW_DRIBBLE_PAST_TIMEOUT ? Duration.ofSeconds(1) : Backends.READ_TIMEOUT)) {
            error = catchThrowableOfType(ToolException.class, () -> tool.generate(request(backend), ProgressListener.NONE));
        }
        assertThat(error).as("%s under %s", backend, fault).isNotNull();
        assertThat(error.getMessage()).contains("tool '").doesNotContain(Backends.SECRET);
        switch (fault) {
            case CONNECTION_RESET, EMPTY_RESPONSE, MALFORMED_CHUNK, RANDOM_DATA_THEN_CLOSE ->
                    assertThat(error).isExactlyInstanceOf(ToolUnavailableException.class).hasMessageContaining("connection broke");
            case SLOW_DRIBBLE_PAST_TIMEOUT -> assertThat(error).isExactlyInstanceOf(ToolTimeoutException.class);
            case HTML_500 -> assertThat(error).isExactlyInstanceOf(RetriableToolException.class)
                    .hasMessageContaining("CUDA out of memory").hasMessageNotContaining("<");
            // a text answer has no media to truncate: a JSON answer cut short is the same mistake as a wrong shape
            case JSON_OF_THE_WRONG_SHAPE, TRUNCATED_MEDIA -> {
                assertThat(error).isExactlyInstanceOf(UnexpectedResponseException.class);
                assertThat(error.retriable()).isFalse();
            }
            case UNAUTHORIZED_401 -> assertThat(error).isExactlyInstanceOf(ToolAuthenticationException.class).hasMessageContaining("[redacted]");
            case RATE_LIMITED_429 -> assertThat(((RetriableToolException) error).retryAfter()).contains(Duration.ofSeconds(7));
            default -> throw new AssertionError(fault);
        }
    }

    /** The contract every generator tool passes, for each captioner against its own WireMock; captions are deterministic. */
    abstract static class AgainstWireMock extends WireMockContract {
        AgainstWireMock(Supplier<BackendFixture> fixture) {
            super(fixture, true, false, "{}", "{\"image\":\"../x\",\"audio\":\"../x\"}");
        }

        @Override
        protected Map<String, GenerationRequest.InputArtifact> inputs() {
            return inputsOf(fixture());
        }
    }

    @Nested
    class VisionContract extends AgainstWireMock {
        VisionContract() {
            super(CaptionerToolsTest::vision);
        }
    }

    @Nested
    class TranscriptionContract extends AgainstWireMock {
        TranscriptionContract() {
            super(CaptionerToolsTest::transcription);
        }
    }
}
