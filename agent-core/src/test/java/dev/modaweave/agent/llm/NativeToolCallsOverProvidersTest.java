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
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Native tool calls through the real LangChain4j Ollama and OpenAI clients, fed the wire formats those
 * servers send: each call runs once, parallel calls stay apart, results go back as results, and a
 * malformed chunk ends the round with an error in words.
 */
@ExtendWith(VertxExtension.class)
class NativeToolCallsOverProvidersTest {

    @TempDir
    Path dir;
    final ScriptedStreamServer server = ScriptedStreamServer.start();
    final List<JsonObject> events = new CopyOnWriteArrayList<>();
    ScriptedTool painter;
    ToolRegistry registry;
    FileSystemArtifactStore store;

    @BeforeEach
    void setUp(Vertx vertx) throws Exception {
        store = FileSystemArtifactStore.open(dir);
        registry = ToolRegistry.create();
        registry.attach(vertx).await(5, TimeUnit.SECONDS);
        painter = ScriptedTool.succeeding("painter");
        registry.register(painter);
        vertx.deployVerticle(ToolWorker.of(painter, store)).await(10, TimeUnit.SECONDS);
        vertx.deployVerticle(Dispatcher.of(registry)).await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private StreamingChatModel model(LlmConfig.Provider provider) {
        return ChatModels.streaming(LlmConfig.builder().provider(provider)
                .baseUrl(provider == LlmConfig.Provider.OPENAI ? server.baseUrl() + "/v1" : server.baseUrl())
                .model(StreamFixtures.MODEL).maxRetries(0).timeout(Duration.ofSeconds(10)).build());
    }

    private JsonObject turn(Vertx vertx, StreamingChatModel model) throws Exception {
        Agent agent = Agent.builder().vertx(vertx).model(model).catalog(registry).store(store)
                .options(AgentOptions.defaults().withNativeToolCalls(true)).build().start().await(5, TimeUnit.SECONDS);
        return agent.turn("s", UserInput.text("a fox and a cat"), events::add).await(30, TimeUnit.SECONDS);
    }

    private List<JsonObject> ofType(String type) {
        return events.stream().filter(e -> e.getString("type").equals(type)).toList();
    }

    @Test
    void ollama_parallel_calls_without_ids_each_run_once_and_their_results_go_back(Vertx vertx) throws Exception {
        server.enqueue(Reply.stream(StreamFixtures.NDJSON, StreamFixtures.ollamaToolCallChunks(List.of(
                Map.entry("painter", "{\"prompt\":\"a fox\"}"), Map.entry("painter", "{\"prompt\":\"a cat\"}")))));
        server.enqueue(Reply.stream(StreamFixtures.NDJSON, StreamFixtures.ollamaChunks(List.of("Both are ready."))));

        JsonObject last = turn(vertx, model(LlmConfig.Provider.OLLAMA));

        assertThat(last.getString("type")).isEqualTo(AgentEvents.TURN_DONE);
        assertThat(painter.calls()).isEqualTo(2);
        assertThat(painter.requests()).extracting(r -> r.arguments().get("prompt").asText()).containsExactlyInAnyOrder("a fox", "a cat");
        assertThat(ofType(AgentEvents.CALL_ACCEPTED)).hasSize(2);
        assertThat(ofType(AgentEvents.ARTIFACT)).hasSize(2);
        String second = server.requests().get(1);
        assertThat(second).doesNotContain("not run");
        assertThat(second.split("artifact art_", -1)).as("both results go back").hasSize(3);
    }

    @Test
    void openai_calls_streamed_without_indices_are_kept_apart_and_run_once(Vertx vertx) throws Exception {
        server.enqueue(Reply.stream(StreamFixtures.SSE, StreamFixtures.openAiToolCallChunksWithoutIndices(List.of(
                new StreamFixtures.ToolCallScript("call_A", "painter", List.of("{\"prompt\":", "\"a fox\"}")),
                new StreamFixtures.ToolCallScript("call_B", "painter", List.of("{\"prompt\":\"a cat\"}"))))));
        server.enqueue(Reply.stream(StreamFixtures.SSE, StreamFixtures.openAiChunks(List.of("Done."))));

        JsonObject last = turn(vertx, model(LlmConfig.Provider.OPENAI));

        assertThat(last.getString("type")).isEqualTo(AgentEvents.TURN_DONE);
        assertThat(painter.calls()).isEqualTo(2);
        assertThat(ofType(AgentEvents.ARTIFACT)).extracting(a -> a.getString("callId")).containsExactlyInAnyOrder("call_A", "call_B");
        assertThat(server.requests().get(1)).contains("call_A").contains("call_B").doesNotContain("not run");
    }

    @Test
    void openai_native_functions_carry_the_real_tools_arguments_and_descriptions(Vertx vertx) throws Exception {
        server.enqueue(Reply.stream(StreamFixtures.SSE, StreamFixtures.openAiChunks(List.of("Nothing to draw."))));

        turn(vertx, model(LlmConfig.Provider.OPENAI));

        String request = server.requests().get(0).replaceAll("\\s+", "");
        String tools = request.substring(request.indexOf("\"tools\":"));
        assertThat(tools).contains("\"name\":\"painter\"").contains("Tasktext-to-image.testtoolpainter")
                .contains("\"steps\":{\"type\":\"integer\"");
        assertThat(request).doesNotContain("<meta>");
    }

    @Test
    void a_malformed_stream_chunk_ends_the_round_with_llm_failed_in_words(Vertx vertx) throws Exception {
        List<String> chunks = new java.util.ArrayList<>(StreamFixtures.openAiChunks(List.of("Hello", " there")));
        chunks.add(2, "data: {\"id\":\"chatcmpl-x\",\"choices\":[{\"delta\":{\"content\":\"oops\"\n\n");
        server.enqueue(Reply.stream(StreamFixtures.SSE, chunks));

        JsonObject last = turn(vertx, model(LlmConfig.Provider.OPENAI));

        assertThat(last.getString("type")).isEqualTo(AgentEvents.TURN_FAILED);
        String message = last.getJsonObject("error").getString("message");
        assertThat(last.getJsonObject("error").getString("code")).isEqualTo("llm_failed");
        assertThat(message).contains("not a JSON object").contains("after 2 stream events")
                .doesNotContain("Jackson").doesNotContain("Unexpected").doesNotContain("line: ");
        assertThat(last.getString("text")).isEqualTo("Hello");
    }
}
