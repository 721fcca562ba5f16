package dev.modaweave.app.runtime;

import dev.modaweave.agent.AgentEvents;
import dev.modaweave.agent.UserInput;
import dev.modaweave.agent.cluster.ClusterSettings;
import dev.modaweave.app.cluster.BenchmarkTools;
import dev.modaweave.app.cluster.ChildWorker;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runtime behind {@code serve --cluster} and a {@code worker --cluster} process join one cluster
 * by their member list, and the serving node's agent runs a call on the worker's tool.
 */
class ClusteredRuntimeTest {

    @TempDir
    Path dir;

    @Test
    void a_turn_on_the_serving_node_runs_a_tool_that_only_a_worker_process_has() throws Exception {
        int servePort = freePort();
        int workerPort = freePort();
        List<String> members = List.of("127.0.0.1:" + servePort, "127.0.0.1:" + workerPort);
        String cluster = "mw-rt-" + UUID.randomUUID().toString().substring(0, 8);
        ClusterSettings settings = ClusterSettings.loopback().withClusterName(cluster).withPort(servePort).withMembers(members);

        try (ChildWorker worker = ChildWorker.start(List.of("--tools", BenchmarkTools.SLEEP, "--cluster", "--cluster-name", cluster,
                "--port", Integer.toString(workerPort), "--members", String.join(",", members), "--store", dir.toString()),
                Duration.ofSeconds(60));
             AgentRuntime runtime = AgentRuntime.builder().storeRoot(dir).cluster(settings).tools(List.of()).start()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!runtime.registry().nodes(BenchmarkTools.SLEEP).contains(worker.nodeId())) {
                assertThat(System.nanoTime()).as("the worker's tool is announced").isLessThan(deadline);
                Thread.sleep(20);
            }
            List<JsonObject> events = new CopyOnWriteArrayList<>();
            JsonObject last = runtime.agent().turn("c1", UserInput.text(
                    "<meta>{\"id\":\"j1\",\"tool\":\"" + BenchmarkTools.SLEEP + "\",\"args\":{\"minMs\":10,\"maxMs\":10}}</meta>"),
                    events::add).await(60, TimeUnit.SECONDS);

            assertThat(last.getString("type")).as(events.toString()).isEqualTo(AgentEvents.TURN_DONE);
            JsonObject artifact = events.stream().filter(e -> e.getString("type").equals(AgentEvents.ARTIFACT)).findFirst().orElseThrow();
            assertThat(artifact.getString("tool")).isEqualTo(BenchmarkTools.SLEEP);
            assertThat(runtime.store().find(artifact.getString("id"))).isPresent();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
