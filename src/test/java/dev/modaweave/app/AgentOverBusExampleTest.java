package dev.modaweave.app;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.modaweave.agent.Agent;
import dev.modaweave.agent.AgentVerticle;
import dev.modaweave.agent.Dispatcher;
import dev.modaweave.tools.FileSystemArtifactStore;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.ToolRegistry;
import dev.modaweave.tools.ToolWorker;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the README's "call the agent over the event bus" example against an embedded agent. */
@ExtendWith(VertxExtension.class)
class AgentOverBusExampleTest {

    /** The README's example, printing to {@code out} instead of System.out. */
    static void example(Vertx vertx, PrintStream out) {
        vertx.eventBus().<JsonObject>consumer("modaweave.session.demo", m -> {
            JsonObject e = m.body();
            switch (e.getString("type")) {
                case "text" -> out.print(e.getString("text"));
                case "artifact" -> out.println("\n[" + e.getString("modality") + " " + e.getString("id") + "]");
                case "turn_done", "turn_failed" -> out.println("\n" + e.getString("type"));
                default -> { }
            }
        }).completion().onSuccess(ready ->
            vertx.eventBus().<JsonObject>request("modaweave.agent", new JsonObject()
                    .put("sessionId", "demo")
                    .put("message", new JsonObject().put("text", "Paint a lighthouse in a storm")))
                .onSuccess(reply -> out.println("turn " + reply.body().getString("turnId"))));
    }

    /** Stands in for the LLM: answers with one meta-response, then nothing. */
    static final class OneCallModel implements StreamingChatModel {
        private int round;

        @Override
        public synchronized void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
            String reply = round++ == 0
                    ? "A stormy lighthouse: <meta>{\"id\":\"img1\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"a lighthouse in a storm\"}}</meta>"
                    : "";
            if (!reply.isEmpty()) {
                handler.onPartialResponse(reply);
            }
            handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from(reply)).build());
        }
    }

    @Test
    void the_readme_example_prints_the_text_the_artifact_and_the_end_of_the_turn(Vertx vertx, @TempDir Path dir) throws Exception {
        var store = FileSystemArtifactStore.open(dir);
        var registry = ToolRegistry.create();
        registry.attach(vertx).await(5, TimeUnit.SECONDS);
        for (GeneratorTool tool : ToolRegistry.loadServices(getClass().getClassLoader())) {
            registry.register(tool);
            vertx.deployVerticle(ToolWorker.of(tool, store)).await(10, TimeUnit.SECONDS);
        }
        vertx.deployVerticle(Dispatcher.of(registry)).await(10, TimeUnit.SECONDS);
        Agent agent = Agent.builder().vertx(vertx).model(new OneCallModel()).catalog(registry).store(store).build();
        vertx.deployVerticle(new AgentVerticle(agent)).await(10, TimeUnit.SECONDS);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        example(vertx, out);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!bytes.toString(StandardCharsets.UTF_8).contains("turn_") && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("turn t").contains("A stormy lighthouse:").containsPattern("\\[image art_[a-z2-7]{26}]")
                .contains("turn_done");
    }
}
