package dev.modaweave.client;

import dev.modaweave.agent.ArtifactReader;
import dev.modaweave.tools.ArtifactStore;
import dev.modaweave.tools.EventBusAddresses;
import dev.modaweave.tools.FileSystemArtifactStore;
import dev.modaweave.tools.Json;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The client against a stand-in agent on a real Vert.x event bus: typed events in order (also those
 * published before the agent's reply arrives), the result, refusals, artifact bytes in chunks, and
 * the error when nothing answers.
 */
class ModaweaveClientTest {

    @TempDir
    Path dir;

    Vertx vertx;
    ModaweaveClient client;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        client = ModaweaveClient.embedded(vertx);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void with_no_agent_on_the_bus_the_turn_fails_saying_so() {
        Throwable failure = catchThrowable(() -> client.send("s1", "hello").await(10, TimeUnit.SECONDS));

        assertThat(failure).isInstanceOf(ModaweaveClientException.class).hasMessageContaining("no Modaweave agent answers")
                .hasMessageContaining(EventBusAddresses.AGENT).hasMessageContaining("modaweave serve --cluster");
        assertThat(((ModaweaveClientException) failure).code()).isEqualTo("no_agent");
    }

    @Test
    void a_turn_gives_typed_events_in_order_and_its_result() throws Exception {
        String address = EventBusAddresses.session("s1");
        vertx.eventBus().<JsonObject>consumer(EventBusAddresses.AGENT, m -> {
            JsonObject base = new JsonObject().put("sessionId", "s1").put("turnId", "t1");
            vertx.eventBus().publish(address, base.copy().put("type", "text").put("seq", 1).put("text", "Here "));
            m.reply(new JsonObject().put("accepted", true).put("sessionId", "s1").put("turnId", "t1").put("events", address));
            vertx.eventBus().publish(address, base.copy().put("type", "text").put("turnId", "other").put("text", "not ours"));
            vertx.eventBus().publish(address, base.copy().put("type", "call_accepted").put("seq", 2).put("callId", "c1")
                    .put("task", "text-to-image").put("tool", "paint").put("at", 5));
            vertx.eventBus().publish(address, base.copy().put("type", "progress").put("seq", 3).put("callId", "c1").put("fraction", 0.5));
            vertx.eventBus().publish(address, base.copy().put("type", "artifact").put("seq", 4).put("callId", "c1").put("id", "art_1")
                    .put("mimeType", "image/png").put("modality", "image").put("tool", "paint").put("at", 5));
            vertx.eventBus().publish(address, base.copy().put("type", "call_failed").put("seq", 5).put("callId", "c2")
                    .put("error", new JsonObject().put("code", "no_worker").put("message", "no worker").put("retriable", false)));
            vertx.eventBus().publish(address, base.copy().put("type", "text").put("seq", 6).put("text", "it is."));
            vertx.eventBus().publish(address, base.copy().put("type", "turn_done").put("seq", 7).put("text", "Here it is.")
                    .put("artifacts", new JsonArray().add("art_1")));
        }).completion().await(10, TimeUnit.SECONDS);
        List<TurnEvent> events = new CopyOnWriteArrayList<>();

        TurnResult result = client.send("s1", "paint", events::add).await(10, TimeUnit.SECONDS);

        assertThat(events).extracting(TurnEvent::type).containsExactly("text", "call_accepted", "progress", "artifact",
                "call_failed", "text", "turn_done");
        assertThat(events.get(1)).isEqualTo(new TurnEvent.CallAccepted("c1", "text-to-image", "paint", 5, events.get(1).raw()));
        assertThat(((TurnEvent.Progress) events.get(2)).fraction()).isEqualTo(0.5);
        assertThat(result.done()).isTrue();
        assertThat(result.turnId()).isEqualTo("t1");
        assertThat(result.text()).isEqualTo("Here it is.");
        assertThat(result.artifacts()).extracting(TurnEvent.ArtifactReady::artifactId).containsExactly("art_1");
        assertThat(result.failures()).extracting(TurnEvent.CallFailed::code).containsExactly("no_worker");
        assertThat(result.failure()).isEmpty();
    }

    @Test
    void a_refused_turn_fails_with_the_agents_reason() throws Exception {
        vertx.eventBus().<JsonObject>consumer(EventBusAddresses.AGENT, m -> m.reply(new JsonObject().put("accepted", false)
                .put("error", new JsonObject().put("code", "session_busy").put("message", "a turn is running in session s1"))))
                .completion().await(10, TimeUnit.SECONDS);

        assertThatThrownBy(() -> client.send("s1", "x").await(10, TimeUnit.SECONDS))
                .isInstanceOf(ModaweaveClientException.class).hasMessageContaining("session_busy")
                .hasMessageContaining("a turn is running in session s1");
    }

    @Test
    void an_artifact_larger_than_one_chunk_arrives_whole() throws Exception {
        ArtifactStore store = FileSystemArtifactStore.open(dir);
        byte[] bytes = new byte[ArtifactReader.MAX_CHUNK * 2 + 12345];
        new Random(7).nextBytes(bytes);
        String id = store.put(bytes, new ArtifactStore.NewArtifact("application/octet-stream", Map.of(), "upload", Json.object(), List.of())).id();
        vertx.deployVerticle(new ArtifactReader(store)).await(10, TimeUnit.SECONDS);

        ArtifactBytes fetched = client.artifact(id).await(30, TimeUnit.SECONDS);

        assertThat(fetched.mimeType()).isEqualTo("application/octet-stream");
        assertThat(fetched.bytes()).isEqualTo(bytes);
        ModaweaveClientException missing = (ModaweaveClientException) catchThrowable(() ->
                client.artifact("art_aaaaaaaaaaaaaaaaaaaaaaaaaa").await(10, TimeUnit.SECONDS));
        assertThat(missing.code()).isEqualTo("not_found");
        ModaweaveClientException malformed = (ModaweaveClientException) catchThrowable(() ->
                client.artifact("../../etc/passwd").await(10, TimeUnit.SECONDS));
        assertThat(malformed.code()).isEqualTo("not_found");
        assertThat(malformed).hasMessageContaining("ids look like art_");
    }

    @Test
    void a_closed_client_refuses_new_turns() {
        client.close();

        assertThatThrownBy(() -> client.send("s1", "x").await(10, TimeUnit.SECONDS))
                .isInstanceOf(ModaweaveClientException.class).hasMessageContaining("closed");
    }
}
