package dev.modaweave.tools;

import dev.modaweave.tools.testing.ScriptedTool;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class ToolWorkerTest {

    @TempDir
    Path dir;
    FileSystemArtifactStore store;

    @BeforeEach
    void setUp() {
        store = FileSystemArtifactStore.open(dir);
    }

    private static ToolWorker.Options.Builder fast() {
        return ToolWorker.Options.builder().initialBackoff(Duration.ofMillis(5)).maxBackoff(Duration.ofMillis(20));
    }

    private void deploy(Vertx vertx, GeneratorTool tool, ToolWorker.Options options) throws Exception {
        vertx.deployVerticle(ToolWorker.of(tool, store, options)).await(10, TimeUnit.SECONDS);
    }

    private static Future<JsonObject> call(Vertx vertx, String tool, String jobId, JsonObject args) {
        return vertx.eventBus().<JsonObject>request(EventBusAddresses.tool(tool),
                        new JsonObject().put("jobId", jobId).put("args", args), new DeliveryOptions().setSendTimeout(20_000))
                .map(m -> m.body());
    }

    private static JsonObject prompt() {
        return new JsonObject().put("prompt", "a red fox");
    }

    @Test
    void worker_stores_the_result_and_replies_with_the_artifact_id_only(Vertx vertx) throws Exception {
        ScriptedTool tool = ScriptedTool.succeeding("ok-tool");
        deploy(vertx, tool, fast().build());
        List<JsonObject> progress = new CopyOnWriteArrayList<>();
        vertx.eventBus().<JsonObject>consumer(EventBusAddresses.progress("job-1"), m -> progress.add(m.body()))
                .completion().await(5, TimeUnit.SECONDS);

        JsonObject reply = call(vertx, "ok-tool", "job-1", prompt()).await(10, TimeUnit.SECONDS);

        assertThat(reply.getBoolean("ok")).isTrue();
        String id = reply.getString("artifactId");
        assertThat(Artifact.isValidId(id)).isTrue();
        assertThat(store.read(id)).isEqualTo(ScriptedTool.PNG);
        assertThat(reply.getJsonObject("artifact").getString("mimeType")).isEqualTo("image/png");
        assertThat(reply.encode()).doesNotContain("bytes").doesNotContain("base64");
        assertThat(store.find(id).orElseThrow().tool()).isEqualTo("ok-tool");
        assertThat(progress).extracting(p -> p.getString("type")).contains("started");
    }

    @Test
    void arguments_breaking_the_schema_are_refused_without_calling_the_tool(Vertx vertx) throws Exception {
        ScriptedTool tool = ScriptedTool.succeeding("strict-tool");
        deploy(vertx, tool, fast().build());

        JsonObject reply = call(vertx, "strict-tool", "job-2", new JsonObject().put("steps", 500)).await(10, TimeUnit.SECONDS);

        assertThat(reply.getBoolean("ok")).isFalse();
        assertThat(reply.getJsonObject("error").getString("code")).isEqualTo("invalid_arguments");
        assertThat(reply.getJsonObject("error").getString("message")).contains("prompt").contains("/steps");
        assertThat(tool.calls()).isZero();
    }

    @Test
    void retriable_failures_are_retried_until_the_tool_succeeds(Vertx vertx) throws Exception {
        ScriptedTool tool = ScriptedTool.failingRetriably("flaky-tool", 2, null);
        deploy(vertx, tool, fast().maxAttempts(3).build());

        JsonObject reply = call(vertx, "flaky-tool", "job-3", prompt()).await(10, TimeUnit.SECONDS);

        assertThat(reply.getBoolean("ok")).isTrue();
        assertThat(reply.getInteger("attempts")).isEqualTo(3);
        assertThat(tool.calls()).isEqualTo(3);
    }

    @Test
    void retries_give_up_after_max_attempts_with_a_retriable_error(Vertx vertx) throws Exception {
        ScriptedTool tool = ScriptedTool.failingRetriably("down-tool", 100, null);
        deploy(vertx, tool, fast().maxAttempts(2).build());

        JsonObject reply = call(vertx, "down-tool", "job-4", prompt()).await(10, TimeUnit.SECONDS);

        assertThat(reply.getBoolean("ok")).isFalse();
        assertThat(reply.getJsonObject("error").getBoolean("retriable")).isTrue();
        assertThat(tool.calls()).isEqualTo(2);
    }

    @Test
    void non_retriable_failures_are_not_retried(Vertx vertx) throws Exception {
        ScriptedTool tool = ScriptedTool.failingNonRetriably("refusing-tool");
        deploy(vertx, tool, fast().maxAttempts(5).build());

        JsonObject reply = call(vertx, "refusing-tool", "job-5", prompt()).await(10, TimeUnit.SECONDS);

        assertThat(reply.getBoolean("ok")).isFalse();
        assertThat(reply.getJsonObject("error").getString("code")).isEqualTo("failed");
        assertThat(reply.getJsonObject("error").getBoolean("retriable")).isFalse();
        assertThat(tool.calls()).isEqualTo(1);
    }

    @Test
    void a_retry_waits_at_least_the_retry_after_the_backend_asked_for(Vertx vertx) throws Exception {
        ScriptedTool tool = ScriptedTool.failingRetriably("rate-limited-tool", 1, Duration.ofMillis(300));
        deploy(vertx, tool, fast().maxAttempts(2).build());

        JsonObject reply = call(vertx, "rate-limited-tool", "job-6", prompt()).await(10, TimeUnit.SECONDS);

        assertThat(reply.getBoolean("ok")).isTrue();
        List<Long> times = tool.callTimesNanos();
        assertThat(times).hasSize(2);
        assertThat(Duration.ofNanos(times.get(1) - times.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void an_attempt_past_its_time_limit_is_cancelled_and_reported_as_timeout(Vertx vertx) throws Exception {
        ScriptedTool tool = ScriptedTool.sleeping("slow-tool", Duration.ofSeconds(30), 1);
        deploy(vertx, tool, fast().timeout(Duration.ofMillis(100)).maxAttempts(1).build());

        JsonObject reply = call(vertx, "slow-tool", "job-7", prompt()).await(10, TimeUnit.SECONDS);

        assertThat(reply.getJsonObject("error").getString("code")).isEqualTo("timeout");
        assertThat(tool.requests().get(0).cancellation().isCancelled()).isTrue();
    }

    @Test
    void the_breaker_opens_after_failures_and_then_answers_without_calling_the_tool(Vertx vertx) throws Exception {
        ScriptedTool tool = ScriptedTool.failingRetriably("broken-tool", Integer.MAX_VALUE, null);
        ToolRegistry registry = ToolRegistry.create();
        registry.attach(vertx).await(5, TimeUnit.SECONDS);
        deploy(vertx, tool, fast().maxAttempts(1).minimumCalls(3).slidingWindowSize(3).openDuration(Duration.ofMinutes(5)).build());
        for (int i = 0; i < 3; i++) {
            call(vertx, "broken-tool", "job-8-" + i, prompt()).await(10, TimeUnit.SECONDS);
        }

        JsonObject reply = call(vertx, "broken-tool", "job-8-x", prompt()).await(10, TimeUnit.SECONDS);

        assertThat(reply.getJsonObject("error").getString("code")).isEqualTo("unavailable");
        assertThat(reply.getJsonObject("error").getString("message")).contains("circuit breaker").contains("broken-tool");
        assertThat(reply.getJsonObject("error").getLong("retryAfterMs")).isEqualTo(Duration.ofMinutes(5).toMillis());
        assertThat(tool.calls()).isEqualTo(3);
        awaitCondition(() -> registry.availability("broken-tool") == ToolRegistry.Availability.BREAKER_OPEN);
        assertThat(registry.isAvailable("broken-tool")).isFalse();
    }

    @Test
    void a_tool_whose_backend_cannot_be_reached_is_announced_unreachable_until_its_probe_succeeds(Vertx vertx) throws Exception {
        java.util.concurrent.atomic.AtomicReference<String> down = new java.util.concurrent.atomic.AtomicReference<>(
                "gpu-box:7860 cannot be reached: Connection refused");
        ProbedTool tool = new ProbedTool(ScriptedTool.succeeding("remote-tool"), down);
        ToolRegistry registry = ToolRegistry.create();
        registry.attach(vertx).await(5, TimeUnit.SECONDS);
        ToolWorker worker = ToolWorker.of(tool, store, fast().lease(Duration.ofMillis(300)).build());
        vertx.deployVerticle(worker).await(10, TimeUnit.SECONDS);

        awaitCondition(() -> registry.availability("remote-tool") == ToolRegistry.Availability.UNREACHABLE);
        assertThat(registry.isAvailable("remote-tool")).isFalse();
        assertThat(worker.unreachable()).contains("gpu-box:7860 cannot be reached: Connection refused");

        down.set(null);
        awaitCondition(() -> registry.availability("remote-tool") == ToolRegistry.Availability.AVAILABLE);
        assertThat(worker.unreachable()).isEmpty();
    }

    /** A tool with a reachability probe that says what {@code down} holds. */
    private record ProbedTool(ScriptedTool tool, java.util.concurrent.atomic.AtomicReference<String> down)
            implements GeneratorTool, ReachabilityProbe {
        @Override
        public ToolDescriptor descriptor() {
            return tool.descriptor();
        }

        @Override
        public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
            return tool.generate(request, progress);
        }

        @Override
        public java.util.Optional<String> probe(Duration timeout) {
            return java.util.Optional.ofNullable(down.get());
        }
    }

    @Test
    void the_bulkhead_runs_at_most_capacity_calls_and_queues_the_rest(Vertx vertx) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ScriptedTool tool = ScriptedTool.blocking("narrow-tool", 2, release);
        deploy(vertx, tool, fast().queueLimit(10).build());
        List<Future<JsonObject>> replies = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            replies.add(call(vertx, "narrow-tool", "job-9-" + i, prompt()));
        }
        awaitCondition(() -> tool.running() == 2);

        release.countDown();
        Future.all(replies).await(10, TimeUnit.SECONDS);

        assertThat(replies).allSatisfy(f -> assertThat(f.result().getBoolean("ok")).isTrue());
        assertThat(tool.maxRunning()).isEqualTo(2);
        assertThat(tool.calls()).isEqualTo(5);
    }

    @Test
    void calls_beyond_capacity_and_queue_are_refused_as_busy(Vertx vertx) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ScriptedTool tool = ScriptedTool.blocking("full-tool", 1, release);
        deploy(vertx, tool, fast().queueLimit(1).build());
        Future<JsonObject> first = call(vertx, "full-tool", "job-10-a", prompt());
        awaitCondition(() -> tool.running() == 1);
        Future<JsonObject> queued = call(vertx, "full-tool", "job-10-b", prompt());

        JsonObject refused = call(vertx, "full-tool", "job-10-c", prompt()).await(10, TimeUnit.SECONDS);
        release.countDown();

        assertThat(refused.getJsonObject("error").getString("code")).isEqualTo("unavailable");
        assertThat(refused.getJsonObject("error").getString("message")).contains("busy");
        assertThat(first.await(10, TimeUnit.SECONDS).getBoolean("ok")).isTrue();
        assertThat(queued.await(10, TimeUnit.SECONDS).getBoolean("ok")).isTrue();
    }

    @Test
    void a_cancel_message_stops_the_running_call(Vertx vertx) throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        ScriptedTool tool = ScriptedTool.blocking("cancellable-tool", 1, never);
        deploy(vertx, tool, fast().build());
        Future<JsonObject> reply = call(vertx, "cancellable-tool", "job-11", prompt());
        awaitCondition(() -> tool.running() == 1);

        vertx.eventBus().publish(EventBusAddresses.CANCEL, new JsonObject().put("jobId", "job-11").put("reason", "user stopped the turn"));

        JsonObject answer = reply.await(10, TimeUnit.SECONDS);
        assertThat(answer.getJsonObject("error").getString("code")).isEqualTo("cancelled");
        assertThat(answer.getJsonObject("error").getString("message")).contains("user stopped the turn");
        assertThat(tool.calls()).isEqualTo(1);
    }

    @Test
    void a_call_whose_cancellation_arrived_first_is_refused_without_running(Vertx vertx) throws Exception {
        ScriptedTool tool = ScriptedTool.succeeding("late-tool");
        deploy(vertx, tool, fast().build());

        vertx.eventBus().publish(EventBusAddresses.CANCEL, new JsonObject().put("jobId", "job-12").put("reason", "turn abandoned"));
        JsonObject cancelled = call(vertx, "late-tool", "job-12", prompt()).await(10, TimeUnit.SECONDS);
        JsonObject other = call(vertx, "late-tool", "job-13", prompt()).await(10, TimeUnit.SECONDS);

        assertThat(cancelled.getJsonObject("error").getString("code")).isEqualTo("cancelled");
        assertThat(cancelled.getJsonObject("error").getString("message")).contains("turn abandoned");
        assertThat(other.getBoolean("ok")).isTrue();
        assertThat(tool.calls()).isEqualTo(1);
    }

    @Test
    void a_resent_job_whose_result_an_earlier_worker_stored_is_answered_with_it_without_running_again(Vertx vertx) throws Exception {
        ScriptedTool tool = ScriptedTool.succeeding("resent-tool");
        deploy(vertx, tool, fast().build());

        JsonObject first = call(vertx, "resent-tool", "job-14", prompt()).await(10, TimeUnit.SECONDS);
        JsonObject again = vertx.eventBus().<JsonObject>request(EventBusAddresses.tool("resent-tool"), new JsonObject()
                .put("jobId", "job-14").put("attempt", 2).put("args", prompt())).await(10, TimeUnit.SECONDS).body();
        JsonObject fresh = vertx.eventBus().<JsonObject>request(EventBusAddresses.tool("resent-tool"), new JsonObject()
                .put("jobId", "job-15").put("attempt", 2).put("args", prompt())).await(10, TimeUnit.SECONDS).body();

        assertThat(first.getJsonObject("artifact").getJsonObject("attributes").getString(ArtifactStore.JOB_ATTRIBUTE))
                .isEqualTo("job-14");
        assertThat(again.getBoolean("reused")).isTrue();
        assertThat(again.getString("artifactId")).isEqualTo(first.getString("artifactId"));
        assertThat(fresh.getBoolean("ok")).isTrue();
        assertThat(fresh.containsKey("reused")).isFalse();
        assertThat(tool.calls()).isEqualTo(2);
    }

    @Test
    void a_started_worker_announces_its_tool_to_registries(Vertx vertx) throws Exception {
        ToolRegistry registry = ToolRegistry.create();
        registry.attach(vertx).await(5, TimeUnit.SECONDS);

        deploy(vertx, ScriptedTool.succeeding("announced-tool"), fast().nodeId("node-a").build());

        awaitCondition(() -> registry.byName("announced-tool").isPresent());
        assertThat(registry.availability("announced-tool")).isEqualTo(ToolRegistry.Availability.AVAILABLE);
        assertThat(registry.nodes("announced-tool")).containsExactly("node-a");
    }

    static void awaitCondition(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(5);
        }
    }
}
