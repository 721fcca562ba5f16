package dev.modaweave.agent.llm.internal;

import dev.langchain4j.http.client.HttpMethod;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.sse.DefaultServerSentEventParser;
import dev.langchain4j.http.client.sse.ServerSentEvent;
import dev.langchain4j.http.client.sse.ServerSentEventContext;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.modaweave.agent.llm.ScriptedStreamServer;
import dev.modaweave.agent.llm.ScriptedStreamServer.Reply;
import dev.modaweave.agent.llm.StreamFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamingHttpClientTest {

    private static final String SECRET = "sk-test-secret-0042";

    private final ScriptedStreamServer server = ScriptedStreamServer.start();
    private final StreamingHttpClient client = StreamingHttpClient.builder()
            .connectTimeout(Duration.ofSeconds(5))
            .readTimeout(Duration.ofSeconds(10))
            .secret(SECRET)
            .authHint("check the key")
            .build();

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpRequest post(String path) {
        return HttpRequest.builder().method(HttpMethod.POST).url(server.baseUrl() + path)
                .addHeader("Authorization", "Bearer " + SECRET).body("{}").build();
    }

    /** Records events and the single terminal callback. */
    private static final class Recorder implements ServerSentEventListener {
        final List<String> data = new CopyOnWriteArrayList<>();
        final CompletableFuture<String> end = new CompletableFuture<>();
        final int cancelAfter;

        Recorder(int cancelAfter) {
            this.cancelAfter = cancelAfter;
        }

        @Override
        public void onEvent(ServerSentEvent event, ServerSentEventContext context) {
            data.add(event.data());
            if (data.size() == cancelAfter) {
                context.parsingHandle().cancel();
            }
        }

        @Override
        public void onError(Throwable error) {
            end.complete("error: " + error.getMessage());
        }

        @Override
        public void onClose() {
            end.complete("closed");
        }

        String awaitEnd() throws Exception {
            return end.get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void a_stream_the_consumer_cancels_closes_quietly_without_an_error() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server.enqueue(Reply.stream(StreamFixtures.SSE, StreamFixtures.openAiChunks(List.of("a", "b", "c")))
                .holdAfter(3, release));
        Recorder recorder = new Recorder(2);

        client.execute(post("/v1/chat/completions"), new DefaultServerSentEventParser(), recorder);

        assertThat(recorder.awaitEnd()).isEqualTo("closed");
        assertThat(recorder.data).hasSize(2);
        release.countDown();
    }

    @Test
    void a_complete_stream_closes_after_all_its_events() throws Exception {
        server.enqueue(Reply.stream(StreamFixtures.SSE, StreamFixtures.openAiChunks(List.of("a", "b"))));
        Recorder recorder = new Recorder(-1);

        client.execute(post("/v1/chat/completions"), new DefaultServerSentEventParser(), recorder);

        assertThat(recorder.awaitEnd()).isEqualTo("closed");
        assertThat(recorder.data).hasSize(6).last().isEqualTo("[DONE]");
    }

    @Test
    void an_error_status_keeps_retry_after_and_hides_the_key_in_the_body() throws Exception {
        String body = "{\"error\":\"key " + SECRET + " is over quota\"}" + "x".repeat(5000);
        server.enqueue(Reply.status(429, body, "Retry-After: 17"));
        Recorder recorder = new Recorder(-1);
        CompletableFuture<Throwable> error = new CompletableFuture<>();

        client.execute(post("/v1/chat/completions"), new DefaultServerSentEventParser(), new ServerSentEventListener() {
            @Override
            public void onError(Throwable throwable) {
                error.complete(throwable);
            }
        });

        Throwable thrown = error.get(20, TimeUnit.SECONDS);
        assertThat(thrown).isInstanceOf(ProviderHttpException.class)
                .hasMessageStartingWith("HTTP 429 from POST " + server.baseUrl() + "/v1/chat/completions: {\"error\":\"key *** is over quota\"}")
                .hasMessageNotContaining(SECRET);
        assertThat(thrown.getMessage()).hasSizeLessThan(1200);
        assertThat(((ProviderHttpException) thrown).statusCode()).isEqualTo(429);
        assertThat(((ProviderHttpException) thrown).retryAfter()).contains("17");
        assertThat(recorder.data).isEmpty();
    }

    @Test
    void a_synchronous_401_says_what_to_check() {
        server.enqueue(Reply.status(401, "{\"error\":\"invalid key\"}"));

        assertThatThrownBy(() -> client.execute(post("/api/chat")))
                .isInstanceOf(ProviderHttpException.class)
                .hasMessage("HTTP 401 from POST " + server.baseUrl() + "/api/chat: {\"error\":\"invalid key\"} (check the key)");
    }

    @Test
    void end_markers_of_both_providers_are_recognised() {
        assertThat(StreamingHttpClient.isEndMarker("[DONE]")).isTrue();
        assertThat(StreamingHttpClient.isEndMarker("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}")).isTrue();
        assertThat(StreamingHttpClient.isEndMarker("{\"message\":{\"content\":\"\"},\"done_reason\":\"stop\",\"done\":true}")).isTrue();
        assertThat(StreamingHttpClient.isEndMarker("{\"choices\":[{\"delta\":{\"content\":\"done\"},\"finish_reason\":null}]}")).isFalse();
        assertThat(StreamingHttpClient.isEndMarker("{\"message\":{\"content\":\"\\\"done\\\": true\"},\"done\":false}")).isFalse();
        assertThat(StreamingHttpClient.isEndMarker("{not json \"done\"")).isFalse();
    }
}
