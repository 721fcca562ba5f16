package dev.modaweave.agent.llm;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

class OllamaStreamingTest {

    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private final TestModels models = new TestModels();

    @Test
    void ndjson_deltas_reach_the_handler_in_order_and_the_stream_completes() {
        List<String> deltas = List.of("Sure", "! <meta>{\"id\":\"a1\",", "\"task\":\"text-to-speech\",\"args\":{\"text\":\"hi\"}}",
                "</meta>");
        server.stubFor(post(urlEqualTo("/api/chat")).willReturn(StreamFixtures.ollamaResponse(deltas)));
        RecordingHandler handler = new RecordingHandler();

        models.ollama(server.baseUrl(), 1, Duration.ofSeconds(10)).chat(TestModels.ask("say hi"), handler);

        ChatResponse response = handler.awaitResponse();
        assertThat(handler.partials).containsExactlyElementsOf(deltas);
        assertThat(response.aiMessage().text()).isEqualTo(String.join("", deltas));
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        server.verify(postRequestedFor(urlEqualTo("/api/chat"))
                .withHeader("Authorization", equalTo("Bearer " + TestModels.API_KEY))
                .withRequestBody(matchingJsonPath("$.model", equalTo(StreamFixtures.MODEL)))
                .withRequestBody(matchingJsonPath("$.stream", equalTo("true"))));
    }
}
