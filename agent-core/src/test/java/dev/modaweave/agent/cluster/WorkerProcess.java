package dev.modaweave.agent.cluster;

import dev.modaweave.tools.FileSystemArtifactStore;
import dev.modaweave.tools.ToolWorker;
import dev.modaweave.tools.testing.ScriptedTool;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A worker node in its own JVM for the multi-process tests: joins the cluster and serves a sleeping
 * test tool. Arguments: cluster name, Hazelcast port, comma-separated members, tool name, sleep in
 * milliseconds, artifact store directory. Prints {@code READY <node id>} once it serves the tool.
 */
public final class WorkerProcess {

    public static void main(String[] args) throws Exception {
        ClusterSettings settings = ClusterSettings.loopback().withClusterName(args[0]).withPort(Integer.parseInt(args[1]))
                .withMembers(List.of(args[2].split(",")));
        HazelcastClusterManager manager = Clustering.clusterManager(settings);
        Vertx vertx = Clustering.start(settings, manager).await();
        ScriptedTool tool = ScriptedTool.sleeping(args[3], Duration.ofMillis(Long.parseLong(args[4])), 4);
        ToolWorker worker = ToolWorker.of(tool, FileSystemArtifactStore.open(Path.of(args[5])),
                ToolWorker.Options.builder().nodeId(manager.getNodeId()).lease(Duration.ofSeconds(120)).build());
        vertx.deployVerticle(worker).await();
        System.out.println("READY " + manager.getNodeId());
        System.out.flush();
        Thread.currentThread().join();
    }

    private WorkerProcess() {
    }
}
