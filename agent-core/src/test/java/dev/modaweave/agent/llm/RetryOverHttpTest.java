package dev.modaweave.agent.llm;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.StreamingChatModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

class RetryOverHttpTest {

    private static final String PATH = "/v1/chat/completions";

    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private final TestModels models = new TestModels();

    private StreamingChatModel model(int maxRetries) {
        return models.openAi(server.baseUrl(), maxRetries, Duration.ofSeconds(10));
    }

    /** Stubs the replies in order; the last one repeats. */
    private static void replies(ResponseDefinitionBuilder... replies) {
        for (int k = 0; k < replies.length; k++) {
            String state = k == 0 ? Scenario.STARTED : "reply-" + k;
            var stub = post(urlEqualTo(PATH)).inScenario("replies").whenScenarioStateIs(state).willReturn(replies[k]);
            if (k + 1 < replies.length) {
                stub = stub.willSetStateTo("reply-" + (k + 1));
            }
            server.stubFor(stub);
        }
    }

    private static ResponseDefinitionBuilder error(int status, String message) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody(StreamFixtures.openAiError(message, "server_error", null));
    }

    @Test
    void a_429_with_retry_after_seconds_is_retried_once_after_that_wait() {
        replies(error(429, "Rate limit reached for requests").withHeader("Retry-After", "2"),
                StreamFixtures.openAiResponse(List.of("after", " the wait")));
        RecordingHandler handler = new RecordingHandler();

        model(3).chat(TestModels.ask("hi"), handler);

        assertThat(handler.awaitResponse().aiMessage().text()).isEqualTo("after the wait");
        assertThat(models.scheduler.delays).containsExactly(Duration.ofSeconds(2));
        server.verify(2, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void a_retry_after_http_date_is_measured_against_the_clock() {
        String inSevenSeconds = DateTimeFormatter.RFC_1123_DATE_TIME
                .format(models.scheduler.instant().plusSeconds(7).atZone(ZoneOffset.UTC));
        replies(error(503, "overloaded").withHeader("Retry-After", inSevenSeconds),
                StreamFixtures.openAiResponse(List.of("ok")));
        RecordingHandler handler = new RecordingHandler();

        model(3).chat(TestModels.ask("hi"), handler);

        assertThat(handler.awaitResponse().aiMessage().text()).isEqualTo("ok");
        assertThat(models.scheduler.delays).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void two_503s_then_success_back_off_exponentially() {
        replies(error(503, "overloaded"), error(503, "overloaded"), StreamFixtures.openAiResponse(List.of("third", " time")));
        RecordingHandler handler = new RecordingHandler();

        model(3).chat(TestModels.ask("hi"), handler);

        assertThat(handler.awaitResponse().aiMessage().text()).isEqualTo("third time");
        assertThat(models.scheduler.delays).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1));
        assertThat(handler.errors).isEmpty();
    }

    @Test
    void when_the_retries_are_used_up_the_last_error_is_passed_on() {
        replies(error(502, "bad gateway"));
        RecordingHandler handler = new RecordingHandler();

        model(2).chat(TestModels.ask("hi"), handler);

        assertThat(handler.awaitError())
                .isInstanceOf(InternalServerException.class)
                .hasMessageStartingWith("HTTP 502 from POST " + server.baseUrl() + PATH);
        assertThat(handler.errors).hasSize(1);
        server.verify(3, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void a_retry_after_longer_than_the_limit_fails_at_once() {
        replies(error(429, "quota exceeded").withHeader("Retry-After", "3600"));
        RecordingHandler handler = new RecordingHandler();

        model(3).chat(TestModels.ask("hi"), handler);

        assertThat(handler.awaitError()).isInstanceOf(RateLimitException.class).hasMessageContaining("HTTP 429");
        assertThat(models.scheduler.delays).isEmpty();
    }

    @Test
    void a_401_is_not_retried_and_its_message_names_the_variable_but_not_the_key() {
        replies(error(401, "Incorrect API key provided: " + TestModels.API_KEY + ". You can find your API key in settings."));
        RecordingHandler handler = new RecordingHandler();

        model(3).chat(TestModels.ask("hi"), handler);

        Throwable error = handler.awaitError();
        assertThat(error).isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("Incorrect API key provided: ***")
                .hasMessageContaining("environment variable " + TestModels.KEY_ENV)
                .hasMessageNotContaining(TestModels.API_KEY);
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            assertThat(String.valueOf(cause.getMessage())).doesNotContain(TestModels.API_KEY);
        }
        assertThat(models.scheduler.delays).isEmpty();
        server.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void a_refused_connection_is_retried_then_reported_clearly() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        RecordingHandler handler = new RecordingHandler();

        models.openAi("http://127.0.0.1:" + closedPort, 2, Duration.ofSeconds(5)).chat(TestModels.ask("hi"), handler);

        assertThat(handler.awaitError())
                .hasMessageStartingWith("cannot connect to POST http://127.0.0.1:" + closedPort + "/v1/chat/completions")
                .hasMessageContaining("llm.baseUrl");
        assertThat(models.scheduler.delays).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1));
    }
}
