package dev.modaweave.agent;

import dev.modaweave.tools.EventBusAddresses;
import dev.modaweave.tools.FileSystemArtifactStore;
import dev.modaweave.tools.ToolRegistry;
import dev.modaweave.tools.ToolWorker;
import dev.modaweave.tools.testing.ScriptedTool;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.modaweave.agent.DispatcherTest.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jobs no live worker can take: they fail with {@code no_worker} once the orphan timeout has passed on
 * a clock the test moves, and a worker that turns up in time still gets them.
 */
@ExtendWith(VertxExtension.class)
class DispatcherOrphanTest {

    @TempDir
    Path dir;
    FileSystemArtifactStore store;
    ToolRegistry registry;
    final ManualDispatchClock clock = new ManualDispatchClock();
    final List<JsonObject> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp(Vertx vertx) throws Exception {
        store = FileSystemArtifactStore.open(dir);
        registry = ToolRegistry.create();
        registry.attach(vertx).await(5, TimeUnit.SECONDS);
        vertx.deployVerticle(Dispatcher.of(registry, Dispatcher.Options.builder().orphanTimeout(Duration.ofSeconds(30)).build(),
                v -> clock)).await(10, TimeUnit.SECONDS);
        vertx.eventBus().<JsonObject>consumer("test.events", m -> events.add(m.body())).completion().await(5, TimeUnit.SECONDS);
    }

    private void dispatch(Vertx vertx, String turnId) throws Exception {
        JsonObject request = new JsonObject().put("turnId", turnId).put("events", "test.events")
                .put("calls", new JsonArray().add(new JsonObject().put("id", "img").put("task", "text-to-image")
                        .put("args", new JsonObject().put("prompt", "a fox"))));
        JsonObject reply = vertx.eventBus().<JsonObject>request(EventBusAddresses.DISPATCH, request).await(10, TimeUnit.SECONDS).body();
        assertThat(reply.getBoolean("accepted")).isTrue();
    }

    private List<String> types() {
        return events.stream().map(e -> e.getString("type")).toList();
    }

    @Test
    void a_job_no_worker_takes_fails_with_no_worker_after_the_orphan_timeout(Vertx vertx) throws Exception {
        // the tool is known (a worker announced it) but no worker consumes its address any more
        registry.register(ScriptedTool.succeeding("painter"));
        dispatch(vertx, "t1");
        awaitCondition(() -> clock.hasPending(30_000)); // orphaned: no worker could be reached

        clock.advance(29_000);
        assertThat(types()).doesNotContain(DispatchProtocol.FAILED);
        clock.advance(1_000);

        awaitCondition(() -> types().contains(DispatchProtocol.TURN_DONE));
        JsonObject failed = events.stream().filter(e -> e.getString("type").equals(DispatchProtocol.FAILED)).findFirst().orElseThrow();
        assertThat(failed.getJsonObject("error").getString("code")).isEqualTo("no_worker");
        assertThat(failed.getJsonObject("error").getString("message")).contains("painter").contains("start a worker");
        assertThat(failed.getString("state")).isEqualTo("failed");
    }

    @Test
    void a_worker_that_turns_up_within_the_orphan_timeout_gets_the_job(Vertx vertx) throws Exception {
        ScriptedTool painter = ScriptedTool.succeeding("painter");
        registry.register(painter);
        dispatch(vertx, "t2");
        awaitCondition(() -> clock.hasPending(30_000));

        vertx.deployVerticle(ToolWorker.of(painter, store)).await(10, TimeUnit.SECONDS);
        clock.advance(200); // the resend delay: the job is sent again and reaches the new worker
        awaitCondition(() -> types().contains(DispatchProtocol.TURN_DONE));
        clock.advance(60_000);

        assertThat(painter.calls()).isEqualTo(1);
        assertThat(types()).contains(DispatchProtocol.COMPLETED).doesNotContain(DispatchProtocol.FAILED);
    }
}
