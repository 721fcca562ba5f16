package dev.modaweave.agent.cluster;

import dev.modaweave.agent.Dispatcher;
import dev.modaweave.agent.internal.JobLedger;
import dev.modaweave.tools.EventBusAddresses;
import dev.modaweave.tools.FileSystemArtifactStore;
import dev.modaweave.tools.ToolRegistry;
import dev.modaweave.tools.ToolWorker;
import dev.modaweave.tools.testing.ScriptedTool;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Dispatch across real Hazelcast members on loopback: in-process nodes and a worker JVM killed with SIGKILL. */
class ClusteredDispatchTest {

    @TempDir
    Path dir;
    final String clusterName = "mw-test-" + UUID.randomUUID().toString().substring(0, 8);
    final List<Vertx> nodes = new ArrayList<>();
    final List<Process> processes = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (Vertx v : nodes) {
            v.close().await(20, TimeUnit.SECONDS);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private record Node(Vertx vertx, HazelcastClusterManager manager) {
    }

    private Node startNode(int port, List<String> members) throws Exception {
        ClusterSettings settings = ClusterSettings.loopback().withClusterName(clusterName).withPort(port).withMembers(members);
        HazelcastClusterManager manager = Clustering.clusterManager(settings);
        Vertx vertx = Clustering.start(settings, manager).await(60, TimeUnit.SECONDS);
        nodes.add(vertx);
        return new Node(vertx, manager);
    }

    /** Two in-process members of a fresh loopback cluster. */
    private List<Node> startTwoNodes() throws Exception {
        int portA = freePort();
        int portB = freePort();
        List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
        return List.of(startNode(portA, members), startNode(portB, members));
    }

    private static JsonObject request(String turnId, boolean await) {
        return new JsonObject().put("requestId", "r-" + turnId).put("turnId", turnId).put("await", await)
                .put("calls", new JsonArray().add(new JsonObject().put("id", "img").put("task", "text-to-image")
                        .put("args", new JsonObject().put("prompt", "a fox"))));
    }

    @Test
    void a_dispatcher_on_one_node_uses_a_worker_on_another_and_a_resent_job_is_answered_from_the_cluster_map() throws Exception {
        List<Node> pair = startTwoNodes();
        Node a = pair.get(0);
        Node b = pair.get(1);
        ToolRegistry registry = ToolRegistry.create();
        Clustering.reportDepartures(a.manager(), registry);
        registry.attach(a.vertx()).await(10, TimeUnit.SECONDS);
        a.vertx().deployVerticle(Dispatcher.of(registry)).await(10, TimeUnit.SECONDS);
        ScriptedTool painter = ScriptedTool.succeeding("painter");
        b.vertx().deployVerticle(ToolWorker.of(painter, FileSystemArtifactStore.open(dir),
                ToolWorker.Options.builder().nodeId(b.manager().getNodeId()).build())).await(10, TimeUnit.SECONDS);
        awaitCondition(() -> registry.isAvailable("painter"));

        JsonObject reply = a.vertx().eventBus().<JsonObject>request(EventBusAddresses.DISPATCH, request("c1", true),
                new DeliveryOptions().setSendTimeout(30_000)).await(30, TimeUnit.SECONDS).body();

        JsonObject outcome = reply.getJsonArray("outcomes").getJsonObject(0);
        assertThat(outcome.getString("state")).isEqualTo("completed");
        assertThat(painter.calls()).isEqualTo(1);
        // the worker writes the record as it answers, without waiting for the write
        String[] found = new String[1];
        awaitCondition(() -> {
            try {
                found[0] = a.vertx().sharedData().<String, String>getAsyncMap(JobLedger.MAP_NAME)
                        .compose(m -> m.get("c1:img")).await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return found[0] != null;
        });
        String record = found[0];
        JsonObject json = new JsonObject(record);
        assertThat(json.getString("state")).isEqualTo("completed");
        assertThat(json.getString("artifactId")).isEqualTo(outcome.getString("artifactId"));
        assertThat(registry.nodes("painter")).containsExactly(b.manager().getNodeId());

        JsonObject resent = a.vertx().eventBus().<JsonObject>request(EventBusAddresses.tool("painter"), new JsonObject()
                .put("jobId", "c1:img").put("attempt", 2).put("args", new JsonObject().put("prompt", "a fox")))
                .await(10, TimeUnit.SECONDS).body();
        assertThat(resent.getBoolean("reused")).isTrue();
        assertThat(resent.getString("artifactId")).isEqualTo(outcome.getString("artifactId"));
        assertThat(painter.calls()).isEqualTo(1);
    }

    @Test
    void a_cancellation_published_on_another_node_stops_a_job_that_has_just_started() throws Exception {
        List<Node> pair = startTwoNodes();
        Node a = pair.get(0);
        Node b = pair.get(1);
        CountDownLatch never = new CountDownLatch(1);
        ScriptedTool painter = ScriptedTool.blocking("slow-painter", 1, never);
        b.vertx().deployVerticle(ToolWorker.of(painter, FileSystemArtifactStore.open(dir),
                ToolWorker.Options.builder().nodeId(b.manager().getNodeId()).build())).await(10, TimeUnit.SECONDS);

        CompletableFuture<JsonObject> reply = a.vertx().eventBus().<JsonObject>request(EventBusAddresses.tool("slow-painter"),
                        new JsonObject().put("jobId", "x1:img").put("args", new JsonObject().put("prompt", "a fox")),
                        new DeliveryOptions().setSendTimeout(30_000))
                .map(m -> m.body()).toCompletionStage().toCompletableFuture();
        awaitCondition(() -> painter.running() == 1);
        a.vertx().eventBus().publish(EventBusAddresses.CANCEL, new JsonObject().put("jobId", "x1:img").put("reason", "stopped from node a"));

        JsonObject answer = reply.get(20, TimeUnit.SECONDS);
        assertThat(answer.getJsonObject("error").getString("code")).isEqualTo("cancelled");
        assertThat(answer.getJsonObject("error").getString("message")).contains("stopped from node a");
    }

    @Test
    void a_job_on_a_worker_killed_with_sigkill_is_completed_by_another_worker() throws Exception {
        int portA = freePort();
        int portB = freePort();
        List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
        Node a = startNode(portA, members);
        ToolRegistry registry = ToolRegistry.create();
        Clustering.reportDepartures(a.manager(), registry);
        registry.attach(a.vertx()).await(10, TimeUnit.SECONDS);
        a.vertx().deployVerticle(Dispatcher.of(registry, Dispatcher.Options.builder().attemptTimeout(Duration.ofSeconds(60)).build()))
                .await(10, TimeUnit.SECONDS);

        Process worker = startWorkerProcess(portB, members, "sleeper", 120_000);
        String workerNode = awaitReady(worker);
        awaitCondition(() -> registry.nodes("sleeper").contains(workerNode));

        List<JsonObject> events = new CopyOnWriteArrayList<>();
        a.vertx().eventBus().<JsonObject>consumer(EventBusAddresses.turn("k1"), m -> events.add(m.body()))
                .completion().await(10, TimeUnit.SECONDS);
        a.vertx().eventBus().request(EventBusAddresses.DISPATCH, request("k1", false).put("calls",
                new JsonArray().add(new JsonObject().put("id", "img").put("tool", "sleeper")
                        .put("args", new JsonObject().put("prompt", "slow fox"))))).await(30, TimeUnit.SECONDS);
        awaitCondition(() -> events.stream().anyMatch(e -> "progress".equals(e.getString("type"))
                && workerNode.equals(e.getString("node"))));

        ScriptedTool rescuer = ScriptedTool.succeeding("sleeper");
        a.vertx().deployVerticle(ToolWorker.of(rescuer, FileSystemArtifactStore.open(dir),
                ToolWorker.Options.builder().nodeId(a.manager().getNodeId()).build())).await(10, TimeUnit.SECONDS);
        worker.destroyForcibly();

        awaitCondition(() -> events.stream().anyMatch(e -> dev.modaweave.agent.DispatchProtocol.TURN_DONE.equals(e.getString("type"))));
        JsonObject outcome = events.stream().filter(e -> "completed".equals(e.getString("type"))).findFirst().orElseThrow();
        assertThat(outcome.getString("callId")).isEqualTo("img");
        assertThat(rescuer.calls()).isEqualTo(1);
        assertThat(events).filteredOn(e -> "completed".equals(e.getString("type"))).hasSize(1);
        assertThat(registry.nodes("sleeper")).doesNotContain(workerNode);
    }

    /** Node a with a dispatcher whose orphan timeout is {@code orphanTimeout}, and one worker JVM of "sleeper" mid-call. */
    private record KilledWorkerSetup(Node a, ToolRegistry registry, Process worker, String workerNode, List<JsonObject> events,
                                     List<String> members) {
    }

    private KilledWorkerSetup startCallOnOnlyWorker(Duration orphanTimeout, String turnId) throws Exception {
        int portA = freePort();
        int portB = freePort();
        List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
        Node a = startNode(portA, members);
        ToolRegistry registry = ToolRegistry.create();
        Clustering.reportDepartures(a.manager(), registry);
        registry.attach(a.vertx()).await(10, TimeUnit.SECONDS);
        a.vertx().deployVerticle(Dispatcher.of(registry, Dispatcher.Options.builder().attemptTimeout(Duration.ofSeconds(120))
                .orphanTimeout(orphanTimeout).build())).await(10, TimeUnit.SECONDS);
        Process worker = startWorkerProcess(portB, members, "sleeper", 120_000);
        String workerNode = awaitReady(worker);
        awaitCondition(() -> registry.nodes("sleeper").contains(workerNode));
        List<JsonObject> events = new CopyOnWriteArrayList<>();
        a.vertx().eventBus().<JsonObject>consumer(EventBusAddresses.turn(turnId), m -> events.add(m.body()))
                .completion().await(10, TimeUnit.SECONDS);
        a.vertx().eventBus().request(EventBusAddresses.DISPATCH, request(turnId, false).put("calls",
                new JsonArray().add(new JsonObject().put("id", "img").put("tool", "sleeper")
                        .put("args", new JsonObject().put("prompt", "slow fox"))))).await(30, TimeUnit.SECONDS);
        awaitCondition(() -> events.stream().anyMatch(e -> "progress".equals(e.getString("type"))
                && workerNode.equals(e.getString("node"))));
        return new KilledWorkerSetup(a, registry, worker, workerNode, events, members);
    }

    @Test
    void a_call_whose_only_worker_is_killed_and_never_returns_fails_with_no_worker() throws Exception {
        KilledWorkerSetup s = startCallOnOnlyWorker(Duration.ofSeconds(3), "o1");

        s.worker().destroyForcibly();

        awaitCondition(() -> s.events().stream().anyMatch(e -> dev.modaweave.agent.DispatchProtocol.TURN_DONE.equals(e.getString("type"))));
        JsonObject failed = s.events().stream().filter(e -> "failed".equals(e.getString("type"))).findFirst().orElseThrow();
        assertThat(failed.getJsonObject("error").getString("code")).isEqualTo("no_worker");
        assertThat(failed.getJsonObject("error").getString("message")).contains("sleeper");
        assertThat(s.events()).filteredOn(e -> "completed".equals(e.getString("type"))).isEmpty();
    }

    @Test
    void a_call_whose_only_worker_is_killed_goes_to_a_worker_that_joins_within_the_orphan_timeout() throws Exception {
        KilledWorkerSetup s = startCallOnOnlyWorker(Duration.ofSeconds(120), "o2");

        s.worker().destroyForcibly();
        awaitCondition(() -> !s.registry().nodes("sleeper").contains(s.workerNode()));
        int portC = freePort();
        Process returning = startWorkerProcess(portC, List.of(s.members().get(0), "127.0.0.1:" + portC), "sleeper", 200);
        awaitReady(returning);

        awaitCondition(() -> s.events().stream().anyMatch(e -> dev.modaweave.agent.DispatchProtocol.TURN_DONE.equals(e.getString("type"))));
        assertThat(s.events()).filteredOn(e -> "completed".equals(e.getString("type"))).hasSize(1);
        assertThat(s.events()).filteredOn(e -> "failed".equals(e.getString("type"))).isEmpty();
    }

    private Process startWorkerProcess(int port, List<String> members, String tool, long sleepMs) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp", System.getProperty("java.class.path"), WorkerProcess.class.getName(),
                clusterName, Integer.toString(port), String.join(",", members), tool, Long.toString(sleepMs), dir.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private static String awaitReady(Process p) throws Exception {
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("READY ")) {
                        ready.complete(line.substring(6).trim());
                    }
                }
                ready.completeExceptionally(new AssertionError("the worker process exited before it was ready"));
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
        }, "worker-output");
        reader.setDaemon(true);
        reader.start();
        return ready.get(60, TimeUnit.SECONDS);
    }

    static void awaitCondition(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 60 s");
            }
            Thread.sleep(20);
        }
    }
}
