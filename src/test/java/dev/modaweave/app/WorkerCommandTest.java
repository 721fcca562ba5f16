package dev.modaweave.app;

import dev.modaweave.agent.Dispatcher;
import dev.modaweave.agent.cluster.ClusterSettings;
import dev.modaweave.agent.cluster.Clustering;
import dev.modaweave.app.cluster.BenchmarkTools;
import dev.modaweave.app.cluster.ChildWorker;
import dev.modaweave.tools.EventBusAddresses;
import dev.modaweave.tools.FileSystemArtifactStore;
import dev.modaweave.tools.ToolRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerCommandTest {

    @TempDir
    Path dir;

    @Test
    void an_unknown_tool_is_a_usage_error_listing_the_tools_there_are() {
        var result = CliRunner.run("worker", "--tools", "no-such-tool");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("no-such-tool").contains(BenchmarkTools.NOOP);
    }

    @Test
    void benchmark_settings_out_of_range_are_usage_errors() {
        assertThat(CliRunner.run("bench", "dispatch", "--rates", "0").exitCode()).isEqualTo(2);
        assertThat(CliRunner.run("bench", "dispatch", "--modes", "sideways").exitCode()).isEqualTo(2);
        assertThat(CliRunner.run("bench", "failover", "--jobs", "10", "--kill-after", "10").exitCode()).isEqualTo(2);
    }

    @Test
    void a_worker_process_serves_its_tools_to_a_dispatcher_on_another_node() throws Exception {
        int driverPort = freePort();
        int workerPort = freePort();
        List<String> members = List.of("127.0.0.1:" + driverPort, "127.0.0.1:" + workerPort);
        String cluster = "mw-cli-" + UUID.randomUUID().toString().substring(0, 8);
        ClusterSettings settings = ClusterSettings.loopback().withClusterName(cluster).withPort(driverPort).withMembers(members);
        HazelcastClusterManager manager = Clustering.clusterManager(settings);
        Vertx vertx = Clustering.start(settings, manager).await(60, TimeUnit.SECONDS);
        try (ChildWorker worker = ChildWorker.start(List.of("--tools", BenchmarkTools.SLEEP, "--cluster", "--cluster-name", cluster,
                "--port", Integer.toString(workerPort), "--members", String.join(",", members), "--store", dir.toString()),
                Duration.ofSeconds(60))) {
            ToolRegistry registry = ToolRegistry.create();
            Clustering.reportDepartures(manager, registry);
            registry.attach(vertx).await(10, TimeUnit.SECONDS);
            vertx.deployVerticle(Dispatcher.of(registry)).await(10, TimeUnit.SECONDS);
            awaitCondition(() -> registry.nodes(BenchmarkTools.SLEEP).contains(worker.nodeId()));

            JsonObject reply = vertx.eventBus().<JsonObject>request(EventBusAddresses.DISPATCH, new JsonObject()
                    .put("requestId", "r1").put("turnId", "cli1").put("await", true)
                    .put("calls", new JsonArray().add(new JsonObject().put("id", "job").put("tool", BenchmarkTools.SLEEP)
                            .put("args", new JsonObject().put("minMs", 10).put("maxMs", 10)))),
                    new DeliveryOptions().setSendTimeout(30_000)).await(30, TimeUnit.SECONDS).body();

            JsonObject outcome = reply.getJsonArray("outcomes").getJsonObject(0);
            assertThat(outcome.getString("state")).isEqualTo("completed");
            assertThat(registry.byName(BenchmarkTools.SLEEP).orElseThrow().description()).startsWith("BENCHMARK TOOL");
            assertThat(FileSystemArtifactStore.open(dir).find(outcome.getString("artifactId"))).isPresent();
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void awaitCondition(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 60 s");
            }
            Thread.sleep(20);
        }
    }
}
