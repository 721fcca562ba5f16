package dev.modaweave.app.bench;

import dev.modaweave.agent.Dispatcher;
import dev.modaweave.agent.cluster.ClusterSettings;
import dev.modaweave.agent.cluster.Clustering;
import dev.modaweave.tools.ToolRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** The benchmark's own node: Vert.x (embedded or clustered on loopback), a tool registry and a dispatcher. */
final class DriverNode implements AutoCloseable {

    final Vertx vertx;
    final ToolRegistry registry;
    final String nodeId;

    private DriverNode(Vertx vertx, ToolRegistry registry, String nodeId) {
        this.vertx = vertx;
        this.registry = registry;
        this.nodeId = nodeId;
    }

    static DriverNode embedded(Dispatcher.Options options, VertxOptions vertxOptions) throws Exception {
        Vertx vertx = Vertx.vertx(vertxOptions);
        return withDispatcher(vertx, ToolRegistry.create(), "local", options);
    }

    static DriverNode clustered(ClusterSettings settings, Dispatcher.Options options, VertxOptions vertxOptions) throws Exception {
        HazelcastClusterManager manager = Clustering.clusterManager(settings);
        Vertx vertx = Clustering.start(settings, manager, vertxOptions).await(120, TimeUnit.SECONDS);
        ToolRegistry registry = ToolRegistry.create();
        Clustering.reportDepartures(manager, registry);
        return withDispatcher(vertx, registry, manager.getNodeId(), options);
    }

    private static DriverNode withDispatcher(Vertx vertx, ToolRegistry registry, String nodeId, Dispatcher.Options options)
            throws Exception {
        registry.attach(vertx).await(30, TimeUnit.SECONDS);
        vertx.deployVerticle(Dispatcher.of(registry, options)).await(30, TimeUnit.SECONDS);
        return new DriverNode(vertx, registry, nodeId);
    }

    /** Loopback settings for a benchmark cluster of the given ports, under a fresh cluster name. */
    static ClusterSettings loopback(int port, List<Integer> allPorts) {
        return ClusterSettings.loopback().withClusterName("mw-bench-" + UUID.randomUUID().toString().substring(0, 8))
                .withPort(port).withMembers(allPorts.stream().map(p -> "127.0.0.1:" + p).toList());
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    /** Deletes a benchmark's scratch directory and everything in it. */
    static void deleteRecursively(java.nio.file.Path dir) {
        try (java.util.stream.Stream<java.nio.file.Path> paths = java.nio.file.Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // scratch space in the temporary directory
        }
    }

    @Override
    public void close() throws Exception {
        vertx.close().await(30, TimeUnit.SECONDS);
    }
}
