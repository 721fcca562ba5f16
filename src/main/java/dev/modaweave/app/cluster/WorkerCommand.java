package dev.modaweave.app.cluster;

import dev.modaweave.agent.cluster.ClusterSettings;
import dev.modaweave.agent.cluster.Clustering;
import dev.modaweave.app.UsageException;
import dev.modaweave.app.config.ConfigException;
import dev.modaweave.app.config.ConfigLoader;
import dev.modaweave.app.config.ConfigOption;
import dev.modaweave.app.config.ConfiguredTools;
import dev.modaweave.app.config.ModaweaveConfig;
import dev.modaweave.tools.FileSystemArtifactStore;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.app.plugins.Plugins;
import dev.modaweave.app.plugins.SourcedTool;
import dev.modaweave.tools.ToolWorker;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code modaweave worker --tools a,b [--cluster] [--members …]}: a node that serves the named tools
 * (service providers on the class path, or the built-in benchmark tools) on the event bus and
 * announces them, until it is stopped.
 */
@Command(name = "worker",
        mixinStandardHelpOptions = true,
        description = {
                "Serve tools on the event bus: one worker per tool, announced to every dispatcher.",
                "With --cluster the node joins a Hazelcast cluster over TCP-IP (no multicast) and any node's",
                "dispatcher can use its tools. Prints 'worker ready: node=<id> tools=… cluster=…' once serving."})
public final class WorkerCommand implements Callable<Integer> {

    @Option(names = "--tools", split = ",", required = true, paramLabel = "NAME",
            description = "Tools to serve, comma-separated (service providers, or bench-noop, bench-sleep, bench-fail).")
    List<String> tools;

    @Option(names = "--cluster", description = "Join a cluster instead of running alone.")
    boolean cluster;

    @picocli.CommandLine.Mixin
    ConfigOption configOption;

    @Option(names = "--members", split = ",", paramLabel = "HOST:PORT",
            description = "Cluster members to contact when joining (default: cluster.members, 127.0.0.1:5701).")
    List<String> members;

    @Option(names = "--port", description = "Hazelcast port of this node; 0 takes the first free one from 5701 (default: cluster.port, 0).")
    Integer port;

    @Option(names = "--host", description = "Interface to bind (default: cluster.host, 127.0.0.1).")
    String host;

    @Option(names = "--cluster-name", description = "Only nodes with this name join (default: cluster.name, modaweave).")
    String clusterName;

    @Option(names = "--store", description = "Artifact store directory, shared with the other nodes (default: store.dir, ~/.modaweave/artifacts).")
    Path store;

    @Option(names = "--event-loops", paramLabel = "N",
            description = "Vert.x event-loop threads of this node (default: twice the cores, Vert.x's default).")
    Integer eventLoops;

    @picocli.CommandLine.Mixin
    AttemptOptions attempts;

    @picocli.CommandLine.Mixin
    dev.modaweave.app.plugins.PluginOptions pluginOptions;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        attempts.apply(ToolWorker.Options.builder());
        ConfigLoader.Loaded loaded = configOption.load();
        ModaweaveConfig config = loaded.config();
        members = members != null ? members : config.cluster().members();
        port = port != null ? port : config.cluster().port();
        host = host != null ? host : config.cluster().host();
        clusterName = clusterName != null ? clusterName : config.cluster().name();
        Map<String, GeneratorTool> chosen = resolveTools(tools, loaded, pluginOptions.open(loaded));
        Path storeDir = store != null ? store : config.store().dir();
        FileSystemArtifactStore artifacts = FileSystemArtifactStore.open(storeDir);
        if (eventLoops != null && (eventLoops < 1 || eventLoops > 256)) {
            throw new UsageException("--event-loops must be 1-256, got " + eventLoops);
        }
        VertxOptions vertxOptions = new VertxOptions();
        if (eventLoops != null) {
            vertxOptions.setEventLoopPoolSize(eventLoops);
        }
        Vertx vertx;
        String nodeId;
        if (cluster) {
            ClusterSettings settings;
            try {
                settings = new ClusterSettings(clusterName, host, port, members, Duration.ofSeconds(1), Duration.ofSeconds(4));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            HazelcastClusterManager manager = Clustering.clusterManager(settings);
            vertx = Clustering.start(settings, manager, vertxOptions).await(120, TimeUnit.SECONDS);
            nodeId = manager.getNodeId();
        } else {
            vertx = Vertx.vertx(vertxOptions);
            nodeId = "local";
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                vertx.close().await(20, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // exiting anyway
            } finally {
                stopped.countDown();
            }
        }, "modaweave-worker-shutdown"));
        for (GeneratorTool tool : chosen.values()) {
            ToolWorker.Options options = attempts.apply(ToolWorker.Options.builder()).nodeId(nodeId).build();
            vertx.deployVerticle(ToolWorker.of(tool, artifacts, options)).await(30, TimeUnit.SECONDS);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("worker ready: node=" + nodeId + " tools=" + String.join(",", chosen.keySet())
                + " cluster=" + (cluster ? clusterName : "none"));
        out.flush();
        stopped.await();
        return 0;
    }

    /** Finds each named tool among the service providers and the benchmark tools. */
    static Map<String, GeneratorTool> resolveTools(List<String> names) {
        return resolveTools(names, new ConfigLoader.Loaded(ModaweaveConfig.defaults(), null), Plugins.none());
    }

    /**
     * Finds each named tool among the service providers (on the class path and in the plugin jars), the
     * tools of the configuration's {@code tools:} section and the benchmark tools; the tools not chosen are closed.
     */
    static Map<String, GeneratorTool> resolveTools(List<String> names, ConfigLoader.Loaded loaded, Plugins plugins) {
        Map<String, GeneratorTool> providers = new LinkedHashMap<>();
        for (SourcedTool tool : plugins.toolsWithBuiltIns(WorkerCommand.class.getClassLoader())) {
            providers.put(tool.name(), tool.tool());
        }
        try {
            for (GeneratorTool tool : ConfiguredTools.create(loaded, plugins.toolFactories(WorkerCommand.class.getClassLoader()),
                    System::getenv)) {
                GeneratorTool earlier = providers.putIfAbsent(tool.descriptor().name(), tool);
                if (earlier != null) {
                    tool.close();
                    providers.values().forEach(GeneratorTool::close);
                    throw new UsageException("two tools are named '" + tool.descriptor().name() + "': " + earlier.getClass().getName()
                            + " and a configured " + tool.getClass().getName() + "; rename the configured one");
                }
            }
        } catch (ConfigException e) {
            providers.values().forEach(GeneratorTool::close);
            throw new UsageException(e.getMessage(), e);
        }
        Map<String, GeneratorTool> chosen = new LinkedHashMap<>();
        for (String name : names) {
            GeneratorTool tool = providers.containsKey(name) ? providers.get(name) : BenchmarkTools.create(name).orElse(null);
            if (tool == null) {
                List<String> known = new ArrayList<>(providers.keySet());
                known.addAll(BenchmarkTools.names());
                providers.values().forEach(GeneratorTool::close);
                throw new UsageException("no tool is named '" + name + "'; available: " + String.join(", ", known));
            }
            chosen.put(name, tool);
        }
        providers.values().stream().filter(t -> !chosen.containsValue(t)).forEach(GeneratorTool::close);
        return chosen;
    }
}
