package dev.modaweave.generators.http;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.InvalidMediaException;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.RetriableToolException;
import dev.modaweave.tools.ToolAuthenticationException;
import dev.modaweave.tools.ToolException;
import dev.modaweave.tools.ToolTimeoutException;
import dev.modaweave.tools.ToolUnavailableException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Every backend family against every fault, through the shared client: each failure must be the
 * right typed exception, with a message that names the tool and never the API key.
 */
class FaultMatrixTest {

    enum BackendFault {
        CONNECTION_RESET, EMPTY_RESPONSE, MALFORMED_CHUNK, RANDOM_DATA_THEN_CLOSE, SLOW_DRIBBLE_PAST_TIMEOUT,
        HTML_500, JSON_OF_THE_WRONG_SHAPE, TRUNCATED_MEDIA, UNAUTHORIZED_401, RATE_LIMITED_429
    }

    private static final Duration ONE_SECOND = Duration.ofSeconds(1);

    @RegisterExtension
    static final Backends.Server wm = new Backends.Server();

    static Stream<BackendFixture> backends() {
        return BackendFixture.all().stream();
    }

    static Stream<Arguments> matrix() {
        return BackendFixture.all().stream()
                .flatMap(backend -> Arrays.stream(BackendFault.values()).map(fault -> Arguments.of(backend, fault)));
    }

    static Stream<Arguments> downloadMatrix() {
        return Stream.of(BackendFixture.comfyUi(), BackendFixture.replicate())
                .flatMap(backend -> Stream.of(BackendFault.CONNECTION_RESET, BackendFault.EMPTY_RESPONSE, BackendFault.MALFORMED_CHUNK,
                                BackendFault.RANDOM_DATA_THEN_CLOSE, BackendFault.SLOW_DRIBBLE_PAST_TIMEOUT, BackendFault.HTML_500)
                        .map(fault -> Arguments.of(backend, fault)));
    }

    @ParameterizedTest(name = "{0} media download: {1}")
    @MethodSource("downloadMatrix")
    void faults_while_downloading_the_media_are_typed_the_same_way(BackendFixture backend, BackendFault fault) {
        backend.happy().accept(wm);
        ResponseDefinitionBuilder response = fault == BackendFault.SLOW_DRIBBLE_PAST_TIMEOUT
                ? aResponse().withBody(backend.expectedMedia()).withChunkedDribbleDelay(10, 2500)
                : response(backend, fault);
        wm.stubFor(backend.mediaTarget().get().atPriority(1).willReturn(response));

        ToolException error;
        try (GeneratorTool tool = backend.tool().apply(wm, fault == BackendFault.SLOW_DRIBBLE_PAST_TIMEOUT ? ONE_SECOND : Backends.READ_TIMEOUT)) {
            error = catchThrowableOfType(ToolException.class,
                    () -> tool.generate(GenerationRequest.of("job-1", backend.arguments()), ProgressListener.NONE));
        }

        assertThat(error).as("%s download under %s", backend, fault).isNotNull();
        assertThat(error.retriable()).as("retriable").isTrue();
        assertThat(error.getMessage()).contains("tool '").doesNotContain(Backends.SECRET);
        switch (fault) {
            case SLOW_DRIBBLE_PAST_TIMEOUT -> assertThat(error).isExactlyInstanceOf(ToolTimeoutException.class);
            case HTML_500 -> assertThat(error).isExactlyInstanceOf(RetriableToolException.class).hasMessageContaining("HTTP 500");
            default -> assertThat(error).isExactlyInstanceOf(ToolUnavailableException.class).hasMessageContaining("connection broke");
        }
    }

    @ParameterizedTest(name = "{0} returns real media on the happy path")
    @MethodSource("backends")
    void each_backend_returns_real_media_on_the_happy_path(BackendFixture backend) {
        backend.happy().accept(wm);
        try (GeneratorTool tool = backend.build(wm)) {
            GenerationResult result = tool.generate(GenerationRequest.of("job-1", backend.arguments()), ProgressListener.NONE);
            assertThat(result.mimeType()).isEqualTo(backend.expectedMime());
            assertThat(result.bytes()).isEqualTo(backend.expectedMedia());
            assertThat(tool.descriptor().outputModality()).isEqualTo(backend.modality());
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("matrix")
    void each_fault_becomes_the_right_typed_exception(BackendFixture backend, BackendFault fault) {
        backend.happy().accept(wm);
        var mapping = fault == BackendFault.TRUNCATED_MEDIA ? backend.mediaTarget().get() : backend.target().get();
        wm.stubFor(mapping.atPriority(1).willReturn(response(backend, fault)));

        ToolException error;
        try (GeneratorTool tool = backend.tool().apply(wm, fault == BackendFault.SLOW_DRIBBLE_PAST_TIMEOUT ? ONE_SECOND : Backends.READ_TIMEOUT)) {
            error = catchThrowableOfType(ToolException.class,
                    () -> tool.generate(GenerationRequest.of("job-1", backend.arguments()), ProgressListener.NONE));
        }

        assertThat(error).as("%s under %s", backend, fault).isNotNull();
        assertThat(error.getMessage()).contains("tool '").doesNotContain(Backends.SECRET);
        switch (fault) {
            case CONNECTION_RESET, EMPTY_RESPONSE, MALFORMED_CHUNK, RANDOM_DATA_THEN_CLOSE -> {
                assertThat(error).isExactlyInstanceOf(ToolUnavailableException.class);
                assertThat(error.retriable()).isTrue();
                assertThat(error.getMessage()).contains("connection broke");
            }
            case SLOW_DRIBBLE_PAST_TIMEOUT -> {
                assertThat(error).isExactlyInstanceOf(ToolTimeoutException.class);
                assertThat(error.getMessage()).contains("readTimeout PT1S");
            }
            case HTML_500 -> {
                assertThat(error).isExactlyInstanceOf(RetriableToolException.class);
                assertThat(error.getMessage())
                        .contains("HTTP 500", "500 Internal Server Error", "CUDA out of memory")
                        .doesNotContain("<", "color:red");
            }
            case JSON_OF_THE_WRONG_SHAPE -> {
                assertThat(error).isExactlyInstanceOf(backend.wrongShapeType());
                assertThat(error.retriable()).isFalse();
            }
            case TRUNCATED_MEDIA -> {
                assertThat(error).isExactlyInstanceOf(InvalidMediaException.class);
                assertThat(error.getMessage()).containsAnyOf("does not decode", "damaged");
            }
            case UNAUTHORIZED_401 -> {
                assertThat(error).isExactlyInstanceOf(ToolAuthenticationException.class);
                assertThat(error.retriable()).isFalse();
                assertThat(error.getMessage()).contains("HTTP 401", "setting apiKey", "[redacted]");
            }
            case RATE_LIMITED_429 -> {
                assertThat(error).isExactlyInstanceOf(ToolUnavailableException.class);
                assertThat(((RetriableToolException) error).retryAfter()).contains(Duration.ofSeconds(7));
                assertThat(error.getMessage()).contains("HTTP 429", "Request was throttled", "retry after 7 s");
            }
            default -> throw new AssertionError(fault);
        }
    }

    static ResponseDefinitionBuilder response(BackendFixture backend, BackendFault fault) {
        return switch (fault) {
            case CONNECTION_RESET -> aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER);
            case EMPTY_RESPONSE -> aResponse().withFault(Fault.EMPTY_RESPONSE);
            case MALFORMED_CHUNK -> aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK);
            case RANDOM_DATA_THEN_CLOSE -> aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE);
            case SLOW_DRIBBLE_PAST_TIMEOUT -> backend.targetResponse().get().withChunkedDribbleDelay(10, 2500);
            case HTML_500 -> aResponse().withStatus(500).withHeader("Content-Type", "text/html")
                    .withBody("<!DOCTYPE html><html><head><title>500 Internal Server Error</title><style>body{color:red}</style>"
                            + "</head><body><h1>Internal Server Error</h1><p>CUDA out of memory. Tried to allocate 2.00 GiB</p>"
                            + "</body></html>");
            case JSON_OF_THE_WRONG_SHAPE -> backend.wrongShape().get();
            case TRUNCATED_MEDIA -> backend.truncated().get();
            case UNAUTHORIZED_401 -> aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                    .withBody("{\"error\":{\"message\":\"Incorrect API key provided: " + Backends.SECRET + "\",\"type\":\"invalid_request_error\"}}");
            case RATE_LIMITED_429 -> aResponse().withStatus(429).withHeader("Retry-After", "7")
                    .withHeader("Content-Type", "application/json").withBody("{\"detail\":\"Request was throttled.\"}");
        };
    }
}
