package dev.modaweave.agent.llm;

import dev.langchain4j.exception.TimeoutException;
import dev.modaweave.agent.llm.ScriptedStreamServer.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/** Streams that break, stall or end early, served chunk by chunk from a raw loopback socket. */
class BrokenStreamTest {

    private static final List<String> DELTAS = List.of("One", " <meta>{\"id\":\"img1\",\"task\":\"text-to-image\",",
            "\"args\":{\"prompt\":\"a fox\"}}</meta>", " and", " more", " text.");

    private final ScriptedStreamServer server = ScriptedStreamServer.start();
    private final TestModels models = new TestModels();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void a_connection_dropped_mid_stream_ends_in_a_clear_error_after_the_text_so_far() {
        // role chunk + the first three deltas (the complete meta-response), then the server hangs up
        server.enqueue(Reply.stream(StreamFixtures.SSE, StreamFixtures.openAiChunks(DELTAS)).dropAfter(4));
        RecordingHandler handler = new RecordingHandler();

        models.openAi(server.baseUrl(), 3, Duration.ofSeconds(10)).chat(TestModels.ask("hi"), handler);

        Throwable error = handler.awaitError();
        assertThat(error).isInstanceOf(LlmStreamException.class)
                .hasMessageStartingWith("the connection to POST " + server.baseUrl() + "/v1/chat/completions broke after 4 stream events")
                .hasMessageEndingWith("the answer is incomplete");
        assertThat(handler.partials).containsExactlyElementsOf(DELTAS.subList(0, 3));
        assertThat(handler.errors).hasSize(1);
        assertThat(server.requests()).hasSize(1);
        assertThat(models.scheduler.delays).isEmpty();
    }

    @Test
    void an_ollama_stream_dropped_mid_stream_ends_in_a_clear_error() {
        server.enqueue(Reply.stream(StreamFixtures.NDJSON, StreamFixtures.ollamaChunks(DELTAS)).dropAfter(2));
        RecordingHandler handler = new RecordingHandler();

        models.ollama(server.baseUrl(), 3, Duration.ofSeconds(10)).chat(TestModels.ask("hi"), handler);

        assertThat(handler.awaitError()).isInstanceOf(LlmStreamException.class)
                .hasMessageContaining("/api/chat broke after 2 stream events");
        assertThat(handler.partials).containsExactlyElementsOf(DELTAS.subList(0, 2));
    }

    @Test
    void a_connection_dropped_before_the_first_token_is_retried() {
        server.enqueue(Reply.stream(StreamFixtures.SSE, StreamFixtures.openAiChunks(DELTAS)).dropAfter(1));
        server.enqueue(Reply.stream(StreamFixtures.SSE, StreamFixtures.openAiChunks(DELTAS)));
        RecordingHandler handler = new RecordingHandler();

        models.openAi(server.baseUrl(), 3, Duration.ofSeconds(10)).chat(TestModels.ask("hi"), handler);

        assertThat(handler.awaitResponse().aiMessage().text()).isEqualTo(String.join("", DELTAS));
        assertThat(handler.partials).containsExactlyElementsOf(DELTAS);
        assertThat(server.requests()).hasSize(2);
        assertThat(models.scheduler.delays).containsExactly(Duration.ofMillis(500));
    }

    @Test
    void a_stream_that_ends_cleanly_without_its_end_marker_is_an_error_not_a_short_answer() {
        List<String> chunks = StreamFixtures.openAiChunks(DELTAS);
        // everything up to the last delta, then a regular end of the HTTP body: no finish_reason, no [DONE]
        server.enqueue(Reply.stream(StreamFixtures.SSE, chunks.subList(0, 1 + DELTAS.size())));
        RecordingHandler handler = new RecordingHandler();

        models.openAi(server.baseUrl(), 3, Duration.ofSeconds(10)).chat(TestModels.ask("hi"), handler);

        assertThat(handler.awaitError()).isInstanceOf(LlmStreamException.class)
                .hasMessageContaining("ended after 7 events without its end marker");
        assertThat(handler.text()).isEqualTo(String.join("", DELTAS));
    }

    @Test
    void an_ollama_stream_without_its_done_line_is_an_error() {
        List<String> lines = StreamFixtures.ollamaChunks(DELTAS);
        server.enqueue(Reply.stream(StreamFixtures.NDJSON, lines.subList(0, lines.size() - 1)));
        RecordingHandler handler = new RecordingHandler();

        models.ollama(server.baseUrl(), 3, Duration.ofSeconds(10)).chat(TestModels.ask("hi"), handler);

        assertThat(handler.awaitError()).isInstanceOf(LlmStreamException.class)
                .hasMessageContaining("without its end marker");
    }

    @Test
    void deltas_reach_the_handler_while_the_stream_is_still_open() {
        CountDownLatch release = new CountDownLatch(1);
        // role chunk + the deltas up to the end of the meta-response, then the server holds the stream
        server.enqueue(Reply.stream(StreamFixtures.SSE, StreamFixtures.openAiChunks(DELTAS)).holdAfter(4, release));
        RecordingHandler handler = new RecordingHandler();

        models.openAi(server.baseUrl(), 3, Duration.ofSeconds(10)).chat(TestModels.ask("hi"), handler);

        handler.awaitPartials(3);
        assertThat(handler.text()).endsWith("</meta>");
        assertThat(handler.isFinished()).isFalse();

        release.countDown();
        assertThat(handler.awaitResponse().aiMessage().text()).isEqualTo(String.join("", DELTAS));
    }

    @Test
    void a_stream_that_stalls_longer_than_the_timeout_fails_with_a_timeout() {
        CountDownLatch never = new CountDownLatch(1);
        server.enqueue(Reply.stream(StreamFixtures.SSE, StreamFixtures.openAiChunks(DELTAS)).holdAfter(2, never));
        RecordingHandler handler = new RecordingHandler();

        models.openAi(server.baseUrl(), 3, Duration.ofMillis(700)).chat(TestModels.ask("hi"), handler);

        assertThat(handler.awaitError()).isInstanceOf(TimeoutException.class)
                .hasMessageStartingWith("no data from POST " + server.baseUrl() + "/v1/chat/completions for 0.7 s after 2 stream events");
        assertThat(handler.partials).containsExactly(DELTAS.get(0));
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void a_server_that_never_answers_fails_with_a_timeout_and_is_not_retried() {
        server.enqueue(Reply.silent());
        RecordingHandler handler = new RecordingHandler();

        models.openAi(server.baseUrl(), 3, Duration.ofMillis(700)).chat(TestModels.ask("hi"), handler);

        assertThat(handler.awaitError()).isInstanceOf(TimeoutException.class)
                .hasMessageStartingWith("no response from POST " + server.baseUrl() + "/v1/chat/completions within");
        assertThat(server.requests()).hasSize(1);
    }
}
