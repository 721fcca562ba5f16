package dev.modaweave.app.plugins;

import dev.modaweave.agent.AgentEvents;
import dev.modaweave.agent.UserInput;
import dev.modaweave.agent.cluster.ClusterSettings;
import dev.modaweave.app.CliRunner;
import dev.modaweave.app.cluster.ChildWorker;
import dev.modaweave.app.runtime.AgentRuntime;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code worker --plugins DIR --tools NAME --cluster} in its own JVM serves a tool that only its plugin
 * jar has to the dispatcher of another node, which never loaded the jar.
 */
class PluginWorkerClusterTest {

    @TempDir
    Path dir;

    @Test
    void a_clustered_worker_serves_a_plugin_tool_to_another_node() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginSources.toolJar(plugins.resolve("plugin-colour.jar"), "plugin-colour");
        Path store = Files.createDirectories(dir.resolve("store"));
        int servePort = freePort();
        int workerPort = freePort();
        List<String> members = List.of("127.0.0.1:" + servePort, "127.0.0.1:" + workerPort);
        String cluster = "mw-plugin-" + UUID.randomUUID().toString().substring(0, 8);
        ClusterSettings settings = ClusterSettings.loopback().withClusterName(cluster).withPort(servePort).withMembers(members);

        try (ChildWorker worker = ChildWorker.start(List.of("--plugins", plugins.toString(), "--tools", "plugin-colour", "--cluster",
                "--cluster-name", cluster, "--port", Integer.toString(workerPort), "--members", String.join(",", members),
                "--store", store.toString()), Duration.ofSeconds(90));
             AgentRuntime runtime = AgentRuntime.builder().storeRoot(store).cluster(settings).tools(List.of()).start()) {
            assertThat(runtime.registry().localTool("plugin-colour")).as("this node has no plugin").isEmpty();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!runtime.registry().nodes("plugin-colour").contains(worker.nodeId())) {
                assertThat(System.nanoTime()).as("the worker announces the plugin's tool").isLessThan(deadline);
                Thread.sleep(20);
            }
            List<JsonObject> events = new CopyOnWriteArrayList<>();
            JsonObject last = runtime.agent().turn("p1", UserInput.text(
                    "<meta>{\"id\":\"c1\",\"task\":\"text-to-image\",\"tool\":\"plugin-colour\",\"args\":{\"prompt\":\"teal\"}}</meta>"),
                    events::add).await(60, TimeUnit.SECONDS);

            assertThat(last.getString("type")).as(events.toString()).isEqualTo(AgentEvents.TURN_DONE);
            JsonObject artifact = events.stream().filter(e -> e.getString("type").equals(AgentEvents.ARTIFACT)).findFirst().orElseThrow();
            assertThat(artifact.getString("tool")).isEqualTo("plugin-colour");
            var stored = runtime.store().find(artifact.getString("id")).orElseThrow();
            assertThat(stored.mimeType()).isEqualTo("image/png");
            assertThat(stored.attributes()).containsEntry("width", 8);

            CliRunner.Result list = PluginsTest.cli("tools", "list", "--json", "--cluster", "--cluster-name", cluster,
                    "--members", String.join(",", members), "--wait", "3");
            assertThat(list.exitCode()).as(list.err()).isZero();
            var listed = dev.modaweave.tools.Json.parse(list.out());
            var remote = java.util.stream.StreamSupport.stream(listed.spliterator(), false)
                    .filter(t -> t.path("name").asText().equals("plugin-colour")).findFirst();
            assertThat(remote).as(list.out()).hasValueSatisfying(t -> assertThat(t.path("origin").asText())
                    .isEqualTo("remote worker on node " + worker.nodeId()));
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
