package dev.modaweave.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.ArgumentsSchema;
import dev.modaweave.tools.EventBusAddresses;
import dev.modaweave.tools.FileSystemArtifactStore;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ToolDescriptor;
import dev.modaweave.tools.ToolRegistry;
import dev.modaweave.tools.ToolWorker;
import dev.modaweave.tools.testing.ScriptedTool;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class DispatcherTest {

    @TempDir
    Path dir;
    FileSystemArtifactStore store;
    ToolRegistry registry;

    @BeforeEach
    void setUp(Vertx vertx) throws Exception {
        store = FileSystemArtifactStore.open(dir);
        registry = ToolRegistry.create();
        registry.attach(vertx).await(5, TimeUnit.SECONDS);
    }

    private void serve(Vertx vertx, GeneratorTool tool, ToolWorker.Options.Builder options) throws Exception {
        registry.register(tool);
        vertx.deployVerticle(ToolWorker.of(tool, store, options.initialBackoff(Duration.ofMillis(5)).build()))
                .await(10, TimeUnit.SECONDS);
    }

    private void serve(Vertx vertx, GeneratorTool tool) throws Exception {
        serve(vertx, tool, ToolWorker.Options.builder());
    }

    private void startDispatcher(Vertx vertx, Dispatcher.Options options) throws Exception {
        vertx.deployVerticle(Dispatcher.of(registry, options)).await(10, TimeUnit.SECONDS);
    }

    private void startDispatcher(Vertx vertx) throws Exception {
        startDispatcher(vertx, Dispatcher.Options.builder().build());
    }

    private static JsonObject call(String id, String task, JsonObject args) {
        return new JsonObject().put("id", id).put("task", task).put("args", args);
    }

    private static JsonObject prompt(String text) {
        return new JsonObject().put("prompt", text);
    }

    private static Future<JsonObject> dispatch(Vertx vertx, String turnId, boolean await, JsonObject... calls) {
        JsonObject request = new JsonObject().put("requestId", "req-" + turnId).put("turnId", turnId)
                .put("calls", new JsonArray(List.of((Object[]) calls))).put("await", await);
        return vertx.eventBus().<JsonObject>request(EventBusAddresses.DISPATCH, request, new DeliveryOptions().setSendTimeout(20_000))
                .map(m -> m.body());
    }

    /** An image-edit tool taking an {@code image} artifact and a prompt. */
    private static ScriptedTool editor() {
        ObjectNode schema = Json.object();
        schema.put("type", "object");
        ObjectNode props = schema.putObject("properties");
        props.set("image", ArgumentsSchema.artifactProperty(Modality.IMAGE, "the image to edit"));
        props.putObject("prompt").put("type", "string");
        schema.putArray("required").add("image").add("prompt");
        ToolDescriptor d = ToolDescriptor.builder().name("editor").task("image-edit").inputModalities(Modality.IMAGE, Modality.TEXT)
                .outputModality(Modality.IMAGE).argumentsSchema(schema).capacity(2).build();
        return new ScriptedTool(d, (r, p, n) -> {
            assertThat(r.inputs()).containsKey("image");
            return ScriptedTool.png();
        });
    }

    private static JsonObject byCall(JsonObject reply, String callId) {
        return reply.getJsonArray("outcomes").stream().map(JsonObject.class::cast)
                .filter(o -> o.getString("callId").equals(callId)).findFirst().orElseThrow();
    }

    @Test
    void a_call_is_routed_by_task_and_its_outcome_carries_the_request_id_and_artifact(Vertx vertx) throws Exception {
        ScriptedTool painter = ScriptedTool.succeeding("painter");
        serve(vertx, painter);
        startDispatcher(vertx);

        JsonObject reply = dispatch(vertx, "t1", true, call("img1", "text-to-image", prompt("a red fox"))).await(10, TimeUnit.SECONDS);

        assertThat(reply.getString("requestId")).isEqualTo("req-t1");
        JsonObject outcome = byCall(reply, "img1");
        assertThat(outcome.getString("state")).isEqualTo("completed");
        assertThat(outcome.getString("tool")).isEqualTo("painter");
        assertThat(store.find(outcome.getString("artifactId"))).isPresent();
        assertThat(painter.calls()).isEqualTo(1);
    }

    @Test
    void arguments_violating_the_schema_reject_the_whole_turn_before_anything_runs(Vertx vertx) throws Exception {
        ScriptedTool painter = ScriptedTool.succeeding("painter");
        serve(vertx, painter);
        startDispatcher(vertx);

        JsonObject reply = dispatch(vertx, "t2", false,
                call("ok", "text-to-image", prompt("fine")),
                call("bad", "text-to-image", new JsonObject().put("prompt", "x").put("steps", 1000))).await(10, TimeUnit.SECONDS);

        assertThat(reply.getBoolean("accepted")).isFalse();
        JsonObject error = reply.getJsonArray("errors").getJsonObject(0);
        assertThat(error.getString("callId")).isEqualTo("bad");
        assertThat(error.getString("code")).isEqualTo("schema");
        assertThat(error.getString("pointer")).isEqualTo("/steps");
        assertThat(painter.calls()).isZero();
    }

    @Test
    void an_unknown_tool_or_task_is_rejected_naming_what_exists(Vertx vertx) throws Exception {
        serve(vertx, ScriptedTool.succeeding("painter"));
        startDispatcher(vertx);

        JsonObject byTask = dispatch(vertx, "t3", false, call("v", "text-to-video", prompt("x"))).await(10, TimeUnit.SECONDS);
        JsonObject byTool = dispatch(vertx, "t3b", false, new JsonObject().put("id", "v").put("tool", "nope").put("args", prompt("x")))
                .await(10, TimeUnit.SECONDS);

        assertThat(byTask.getJsonArray("errors").getJsonObject(0).getString("code")).isEqualTo("unknown_task");
        assertThat(byTask.getJsonArray("errors").getJsonObject(0).getString("message")).contains("text-to-image");
        assertThat(byTool.getJsonArray("errors").getJsonObject(0).getString("code")).isEqualTo("unknown_tool");
        assertThat(byTool.getJsonArray("errors").getJsonObject(0).getString("message")).contains("painter");
    }

    @Test
    void calls_that_refer_to_each_other_in_a_cycle_are_rejected(Vertx vertx) throws Exception {
        serve(vertx, editor());
        startDispatcher(vertx);

        JsonObject reply = dispatch(vertx, "t4", false,
                call("a", "image-edit", new JsonObject().put("image", new JsonObject().put("$ref", "b")).put("prompt", "x")),
                call("b", "image-edit", new JsonObject().put("image", new JsonObject().put("$ref", "a")).put("prompt", "y")))
                .await(10, TimeUnit.SECONDS);

        assertThat(reply.getBoolean("accepted")).isFalse();
        assertThat(reply.getJsonArray("errors").stream().map(JsonObject.class::cast).map(e -> e.getString("code")))
                .contains("cyclic_ref");
    }

    @Test
    void a_dependent_call_starts_after_its_input_exists_and_receives_the_artifact_id(Vertx vertx) throws Exception {
        ScriptedTool painter = ScriptedTool.succeeding("painter");
        ScriptedTool editor = editor();
        serve(vertx, painter);
        serve(vertx, editor);
        startDispatcher(vertx);

        JsonObject reply = dispatch(vertx, "t5", true,
                call("edit", "image-edit", new JsonObject().put("image", new JsonObject().put("$ref", "img")).put("prompt", "make it blue")),
                call("img", "text-to-image", prompt("a fox"))).await(10, TimeUnit.SECONDS);

        String imageId = byCall(reply, "img").getString("artifactId");
        JsonObject edit = byCall(reply, "edit");
        assertThat(edit.getString("state")).isEqualTo("completed");
        assertThat(editor.requests().get(0).arguments().get("image").asText()).isEqualTo(imageId);
        assertThat(store.find(edit.getString("artifactId")).orElseThrow().parents()).containsExactly(imageId);
    }

    @Test
    void calls_streamed_into_a_running_turn_may_refer_to_its_earlier_calls(Vertx vertx) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ScriptedTool painter = ScriptedTool.blocking("painter", 1, release);
        ScriptedTool editor = editor();
        serve(vertx, painter);
        serve(vertx, editor);
        startDispatcher(vertx);
        List<JsonObject> events = new CopyOnWriteArrayList<>();
        vertx.eventBus().<JsonObject>consumer(EventBusAddresses.turn("t12"), m -> events.add(m.body())).completion().await(5, TimeUnit.SECONDS);

        dispatch(vertx, "t12", false, call("img", "text-to-image", prompt("a fox"))).await(10, TimeUnit.SECONDS);
        JsonObject second = dispatch(vertx, "t12", false,
                call("edit", "image-edit", new JsonObject().put("image", new JsonObject().put("$ref", "img")).put("prompt", "blue")))
                .await(10, TimeUnit.SECONDS);
        release.countDown();

        assertThat(second.getBoolean("accepted")).isTrue();
        awaitCondition(() -> events.stream().anyMatch(e -> e.getString("type").equals(DispatchProtocol.TURN_DONE)));
        JsonObject done = events.stream().filter(e -> e.getString("type").equals(DispatchProtocol.TURN_DONE)).findFirst().orElseThrow();
        assertThat(done.getJsonArray("outcomes")).hasSize(2);
        assertThat(editor.calls()).isEqualTo(1);
        String imageId = events.stream().filter(e -> "completed".equals(e.getString("type")) && "img".equals(e.getString("callId")))
                .findFirst().orElseThrow().getString("artifactId");
        assertThat(editor.requests().get(0).arguments().get("image").asText()).isEqualTo(imageId);
    }

    @Test
    void independent_calls_run_at_the_same_time(Vertx vertx) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ScriptedTool painter = ScriptedTool.blocking("painter", 3, release);
        serve(vertx, painter);
        startDispatcher(vertx);

        Future<JsonObject> reply = dispatch(vertx, "t6", true,
                call("a", "text-to-image", prompt("1")), call("b", "text-to-image", prompt("2")), call("c", "text-to-image", prompt("3")));
        awaitCondition(() -> painter.running() == 3);
        release.countDown();

        assertThat(reply.await(10, TimeUnit.SECONDS).getJsonArray("outcomes")).hasSize(3);
        assertThat(painter.maxRunning()).isEqualTo(3);
    }

    @Test
    void cancelling_a_turn_stops_running_calls_and_never_starts_pending_ones(Vertx vertx) throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        ScriptedTool painter = ScriptedTool.blocking("painter", 1, never);
        ScriptedTool editor = editor();
        serve(vertx, painter);
        serve(vertx, editor);
        startDispatcher(vertx);
        List<JsonObject> events = new CopyOnWriteArrayList<>();
        vertx.eventBus().<JsonObject>consumer(EventBusAddresses.turn("t7"), m -> events.add(m.body())).completion().await(5, TimeUnit.SECONDS);

        dispatch(vertx, "t7", false, call("img", "text-to-image", prompt("a fox")),
                call("edit", "image-edit", new JsonObject().put("image", new JsonObject().put("$ref", "img")).put("prompt", "blue")))
                .await(10, TimeUnit.SECONDS);
        awaitCondition(() -> painter.running() == 1);
        JsonObject cancelled = vertx.eventBus().<JsonObject>request(EventBusAddresses.DISPATCH,
                new JsonObject().put("action", "cancel").put("turnId", "t7").put("reason", "user pressed stop")).await(10, TimeUnit.SECONDS).body();

        assertThat(cancelled.getInteger("cancelled")).isEqualTo(2);
        awaitCondition(() -> painter.running() == 0);
        assertThat(painter.requests().get(0).cancellation().reason()).isEqualTo("user pressed stop");
        awaitCondition(() -> events.stream().anyMatch(e -> e.getString("type").equals(DispatchProtocol.TURN_DONE)));
        assertThat(events).filteredOn(e -> e.getString("type").equals("cancelled")).extracting(e -> e.getString("callId"))
                .containsExactlyInAnyOrder("img", "edit");
        assertThat(editor.calls()).isZero();
    }

    @Test
    void a_job_that_already_has_an_artifact_is_never_generated_again(Vertx vertx) throws Exception {
        ScriptedTool painter = ScriptedTool.succeeding("painter");
        serve(vertx, painter);
        startDispatcher(vertx);

        JsonObject first = dispatch(vertx, "t8", true, call("img", "text-to-image", prompt("a fox"))).await(10, TimeUnit.SECONDS);
        JsonObject again = dispatch(vertx, "t8", true, call("img", "text-to-image", prompt("a fox"))).await(10, TimeUnit.SECONDS);

        assertThat(painter.calls()).isEqualTo(1);
        assertThat(byCall(again, "img").getString("artifactId")).isEqualTo(byCall(first, "img").getString("artifactId"));
    }

    @Test
    void a_job_whose_worker_misses_the_deadline_is_sent_again_to_another_worker(Vertx vertx) throws Exception {
        ScriptedTool painter = ScriptedTool.succeeding("painter");
        serve(vertx, painter);
        AtomicBoolean swallowed = new AtomicBoolean();
        MessageConsumer<JsonObject> blackHole = vertx.eventBus().consumer(EventBusAddresses.tool("painter"));
        blackHole.handler(m -> {
            swallowed.set(true);
            blackHole.unregister();
        });
        blackHole.completion().await(5, TimeUnit.SECONDS);
        startDispatcher(vertx, Dispatcher.Options.builder().attemptTimeout(Duration.ofMillis(500)).build());

        JsonObject first = dispatch(vertx, "t9a", true, call("img", "text-to-image", prompt("a"))).await(10, TimeUnit.SECONDS);
        JsonObject second = dispatch(vertx, "t9b", true, call("img", "text-to-image", prompt("b"))).await(10, TimeUnit.SECONDS);

        assertThat(swallowed).isTrue();
        assertThat(byCall(first, "img").getString("state")).isEqualTo("completed");
        assertThat(byCall(second, "img").getString("state")).isEqualTo("completed");
        assertThat(painter.calls()).isEqualTo(2);
    }

    @Test
    void a_call_no_worker_acknowledges_is_sent_again_long_before_its_deadline(Vertx vertx) throws Exception {
        ScriptedTool painter = ScriptedTool.succeeding("painter");
        serve(vertx, painter);
        AtomicBoolean swallowed = new AtomicBoolean();
        MessageConsumer<JsonObject> blackHole = vertx.eventBus().consumer(EventBusAddresses.tool("painter"));
        blackHole.handler(m -> {
            swallowed.set(true);
            blackHole.unregister();
        });
        blackHole.completion().await(5, TimeUnit.SECONDS);
        startDispatcher(vertx, Dispatcher.Options.builder().attemptTimeout(Duration.ofMinutes(10))
                .ackTimeout(Duration.ofMillis(300)).build());

        JsonObject first = dispatch(vertx, "t13a", true, call("img", "text-to-image", prompt("a"))).await(10, TimeUnit.SECONDS);
        JsonObject second = dispatch(vertx, "t13b", true, call("img", "text-to-image", prompt("b"))).await(10, TimeUnit.SECONDS);

        assertThat(swallowed).isTrue();
        assertThat(byCall(first, "img").getString("state")).isEqualTo("completed");
        assertThat(byCall(second, "img").getString("state")).isEqualTo("completed");
        assertThat(painter.calls()).isEqualTo(2);
    }

    @Test
    void a_call_refused_by_a_busy_worker_is_sent_again_until_a_slot_is_free(Vertx vertx) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ScriptedTool painter = ScriptedTool.blocking("painter", 1, release);
        serve(vertx, painter, ToolWorker.Options.builder().queueLimit(0));
        startDispatcher(vertx, Dispatcher.Options.builder().resendDelay(Duration.ofMillis(20)).build());
        java.util.concurrent.atomic.AtomicInteger delivered = new java.util.concurrent.atomic.AtomicInteger();
        vertx.eventBus().addInboundInterceptor(context -> {
            if (context.message().address().equals(EventBusAddresses.tool("painter"))) {
                delivered.incrementAndGet();
            }
            context.next();
        });

        Future<JsonObject> first = dispatch(vertx, "t14a", true, call("img", "text-to-image", prompt("a")));
        awaitCondition(() -> painter.running() == 1);
        Future<JsonObject> second = dispatch(vertx, "t14b", true, call("img", "text-to-image", prompt("b")));
        awaitCondition(() -> delivered.get() >= 4);
        assertThat(painter.calls()).isEqualTo(1);
        release.countDown();

        assertThat(byCall(first.await(10, TimeUnit.SECONDS), "img").getString("state")).isEqualTo("completed");
        assertThat(byCall(second.await(10, TimeUnit.SECONDS), "img").getString("state")).isEqualTo("completed");
        assertThat(painter.calls()).isEqualTo(2);
        assertThat(painter.maxRunning()).isEqualTo(1);
    }

    @Test
    void an_open_breaker_makes_the_dispatcher_fail_calls_fast_and_prefer_a_healthy_tool(Vertx vertx) throws Exception {
        ScriptedTool broken = ScriptedTool.failingRetriably("broken", Integer.MAX_VALUE, null);
        serve(vertx, broken, ToolWorker.Options.builder().maxAttempts(1).minimumCalls(2).slidingWindowSize(2)
                .openDuration(Duration.ofMinutes(5)));
        startDispatcher(vertx);
        for (int i = 0; i < 2; i++) {
            dispatch(vertx, "t10-" + i, true, call("img", "text-to-image", prompt("x"))).await(10, TimeUnit.SECONDS);
        }
        awaitCondition(() -> registry.availability("broken") == ToolRegistry.Availability.BREAKER_OPEN);

        JsonObject refused = dispatch(vertx, "t10-x", true, call("img", "text-to-image", prompt("x"))).await(10, TimeUnit.SECONDS);
        assertThat(byCall(refused, "img").getJsonObject("error").getString("code")).isEqualTo("unavailable");
        assertThat(byCall(refused, "img").getJsonObject("error").getString("message")).contains("broken (breaker_open)");
        assertThat(broken.calls()).isEqualTo(2);

        ScriptedTool healthy = ScriptedTool.succeeding("healthy");
        serve(vertx, healthy);
        JsonObject routed = dispatch(vertx, "t10-y", true, call("img", "text-to-image", prompt("x"))).await(10, TimeUnit.SECONDS);
        assertThat(byCall(routed, "img").getString("tool")).isEqualTo("healthy");
    }

    @Test
    void a_failed_call_fails_the_calls_that_depend_on_it(Vertx vertx) throws Exception {
        serve(vertx, ScriptedTool.failingNonRetriably("painter"));
        ScriptedTool editor = editor();
        serve(vertx, editor);
        startDispatcher(vertx);

        JsonObject reply = dispatch(vertx, "t11", true, call("img", "text-to-image", prompt("a fox")),
                call("edit", "image-edit", new JsonObject().put("image", new JsonObject().put("$ref", "img")).put("prompt", "blue")))
                .await(10, TimeUnit.SECONDS);

        assertThat(byCall(reply, "img").getJsonObject("error").getString("code")).isEqualTo("failed");
        assertThat(byCall(reply, "edit").getJsonObject("error").getString("code")).isEqualTo("dependency_failed");
        assertThat(editor.calls()).isZero();
    }

    static void awaitCondition(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 20 s");
            }
            Thread.sleep(5);
        }
    }
}
