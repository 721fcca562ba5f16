package dev.modaweave.agent.llm;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.modaweave.agent.Agent;
import dev.modaweave.agent.AgentEvents;
import dev.modaweave.agent.AgentOptions;
import dev.modaweave.agent.Dispatcher;
import dev.modaweave.agent.UserInput;
import dev.modaweave.agent.llm.ScriptedStreamServer.Reply;
import dev.modaweave.tools.FileSystemArtifactStore;
import dev.modaweave.tools.ToolRegistry;
import dev.modaweave.tools.ToolWorker;
import dev.modaweave.tools.testing.ScriptedTool;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent over real LangChain4j provider clients, fed real-shaped OpenAI SSE and Ollama NDJSON
 * streams by a loopback server: early dispatch, dropped connections and streamed tool-call deltas.
 */
@ExtendWith(VertxExtension.class)
class AgentOverProviderStreamsTest {

    private static final List<String> FOX_DELTAS = List.of("Here", " is a fox: <me", "ta>{\"id\":\"img1\",\"task\":\"text-",
            "to-image\",\"args\":{\"prompt\":\"a red fox\"}}</m", "eta>", " Hope", " you like it.");

    @TempDir
    Path dir;
    final ScriptedStreamServer server = ScriptedStreamServer.start();
    final List<JsonObject> events = new CopyOnWriteArrayList<>();
    FileSystemArtifactStore store;
    ToolRegistry registry;
    ScriptedTool painter;

    @BeforeEach
    void setUp(Vertx vertx) throws Exception {
        store = FileSystemArtifactStore.open(dir);
        registry = ToolRegistry.create();
        registry.attach(vertx).await(5, TimeUnit.SECONDS);
        painter = ScriptedTool.sleeping("painter", Duration.ofMillis(300), 2);
        registry.register(painter);
        vertx.deployVerticle(ToolWorker.of(painter, store)).await(10, TimeUnit.SECONDS);
        vertx.deployVerticle(Dispatcher.of(registry)).await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private StreamingChatModel openAi() {
        return ChatModels.streaming(LlmConfig.builder().provider(LlmConfig.Provider.OPENAI).baseUrl(server.baseUrl() + "/v1")
                .model(StreamFixtures.MODEL).maxRetries(0).timeout(Duration.ofSeconds(10)).build());
    }

    private StreamingChatModel ollama() {
        return ChatModels.streaming(LlmConfig.builder().provider(LlmConfig.Provider.OLLAMA).baseUrl(server.baseUrl())
                .model(StreamFixtures.MODEL).maxRetries(0).timeout(Duration.ofSeconds(10)).build());
    }

    private JsonObject turn(Vertx vertx, StreamingChatModel model, AgentOptions options) throws Exception {
        Agent agent = Agent.builder().vertx(vertx).model(model).catalog(registry).store(store).options(options).build()
                .start().await(5, TimeUnit.SECONDS);
        return agent.turn("s", UserInput.text("a fox please"), events::add).await(30, TimeUnit.SECONDS);
    }

    private List<JsonObject> ofType(String type) {
        return events.stream().filter(e -> e.getString("type").equals(type)).toList();
    }

    private String text() {
        StringBuilder sb = new StringBuilder();
        ofType(AgentEvents.TEXT).forEach(e -> sb.append(e.getString("text")));
        return sb.toString();
    }

    @Test
    void an_openai_sse_answer_interleaves_text_and_the_artifact(Vertx vertx) throws Exception {
        server.enqueue(Reply.stream(StreamFixtures.SSE, StreamFixtures.openAiChunks(FOX_DELTAS)));
        server.enqueue(Reply.stream(StreamFixtures.SSE, StreamFixtures.openAiChunks(List.of("Anything else?"))));

        JsonObject last = turn(vertx, openAi(), AgentOptions.defaults());

        assertThat(last.getString("type")).isEqualTo(AgentEvents.TURN_DONE);
        assertThat(text()).isEqualTo("Here is a fox:  Hope you like it.\n\nAnything else?");
        assertThat(ofType(AgentEvents.ARTIFACT)).hasSize(1);
        assertThat(server.requests()).hasSize(2);
        assertThat(server.requests().get(1)).contains("img1 → artifact art_");
    }

    @Test
    void an_ollama_ndjson_answer_works_the_same(Vertx vertx) throws Exception {
        server.enqueue(Reply.stream(StreamFixtures.NDJSON, StreamFixtures.ollamaChunks(FOX_DELTAS)));
        server.enqueue(Reply.stream(StreamFixtures.NDJSON, StreamFixtures.ollamaChunks(List.of("Done."))));

        JsonObject last = turn(vertx, ollama(), AgentOptions.defaults());

        assertThat(last.getString("type")).isEqualTo(AgentEvents.TURN_DONE);
        assertThat(ofType(AgentEvents.ARTIFACT)).hasSize(1);
        assertThat(text()).endsWith("Done.");
    }

    @Test
    void a_connection_dropped_right_after_the_first_meta_response_still_delivers_that_call_once(Vertx vertx) throws Exception {
        // role chunk + the deltas up to and including the closing "eta>", then the server hangs up
        server.enqueue(Reply.stream(StreamFixtures.SSE, StreamFixtures.openAiChunks(FOX_DELTAS)).dropAfter(6));

        JsonObject last = turn(vertx, openAi(), AgentOptions.defaults());

        assertThat(last.getString("type")).isEqualTo(AgentEvents.TURN_FAILED);
        assertThat(last.getJsonObject("error").getString("code")).isEqualTo("llm_failed");
        assertThat(last.getJsonObject("error").getString("message")).contains("broke after 6 stream events");
        assertThat(ofType(AgentEvents.CALL_ACCEPTED)).hasSize(1);
        assertThat(ofType(AgentEvents.ARTIFACT)).hasSize(1);
        assertThat(painter.calls()).isEqualTo(1);
        assertThat(text()).isEqualTo("Here is a fox: ");
        assertThat(events.get(events.size() - 1).getString("type")).isEqualTo(AgentEvents.TURN_FAILED);
    }

    @Test
    void a_call_is_dispatched_while_the_http_stream_is_held_open(Vertx vertx) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server.enqueue(Reply.stream(StreamFixtures.SSE, StreamFixtures.openAiChunks(FOX_DELTAS)).holdAfter(6, release));
        server.enqueue(Reply.stream(StreamFixtures.SSE, StreamFixtures.openAiChunks(List.of(""))));
        Agent agent = Agent.builder().vertx(vertx).model(openAi()).catalog(registry).store(store).build().start().await(5, TimeUnit.SECONDS);
        var turn = agent.turn("s", UserInput.text("a fox"), events::add);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (ofType(AgentEvents.ARTIFACT).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(ofType(AgentEvents.ARTIFACT)).as("the artifact arrives while the HTTP stream is still open").hasSize(1);
        assertThat(turn.isComplete()).isFalse();
        release.countDown();
        assertThat(turn.await(15, TimeUnit.SECONDS).getString("type")).isEqualTo(AgentEvents.TURN_DONE);
    }

    @Test
    void streamed_openai_tool_call_deltas_are_validated_and_dispatched(Vertx vertx) throws Exception {
        server.enqueue(Reply.stream(StreamFixtures.SSE, StreamFixtures.openAiToolCallChunks(List.of(
                new StreamFixtures.ToolCallScript("call_Fx1", "text-to-image", List.of("{\"pro", "mpt\":\"a red", " fox\"}"))))));
        server.enqueue(Reply.stream(StreamFixtures.SSE, StreamFixtures.openAiChunks(List.of("Here it is."))));

        JsonObject last = turn(vertx, openAi(), AgentOptions.defaults().withNativeToolCalls(true));

        assertThat(last.getString("type")).isEqualTo(AgentEvents.TURN_DONE);
        assertThat(ofType(AgentEvents.ARTIFACT)).singleElement().satisfies(a -> assertThat(a.getString("callId")).isEqualTo("call_Fx1"));
        assertThat(painter.requests().get(0).arguments().get("prompt").asText()).isEqualTo("a red fox");
        assertThat(server.requests().get(0)).contains("\"tools\"").contains("text-to-image");
        assertThat(server.requests().get(1)).contains("call_Fx1").contains("artifact art_");
        assertThat(text()).isEqualTo("Here it is.");
    }
}
