package dev.modaweave.app.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.agent.cluster.ClusterSettings;
import dev.modaweave.agent.cluster.Clustering;
import dev.modaweave.app.UsageException;
import dev.modaweave.app.config.ConfigLoader;
import dev.modaweave.app.config.ModaweaveConfig;
import dev.modaweave.app.plugins.PluginOptions;
import dev.modaweave.app.plugins.ToolOrigin;
import dev.modaweave.tools.ToolRegistry;
import io.vertx.core.Vertx;
import dev.modaweave.app.plugins.Plugins;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ToolDescriptor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code modaweave tools list [--json] [--plugins DIR] [--cluster …]}: every tool with its task, modalities,
 * preview flag, capacity and origin (built in, the plugin jar's path, the configuration, or, with
 * {@code --cluster}, the nodes whose workers announce it).
 */
@Command(name = "list",
        mixinStandardHelpOptions = true,
        description = "List every generator tool: name, task, input -> output modalities, preview flag, capacity, "
                + "and where it comes from (built in, a plugin jar's path, the configuration, a remote worker with --cluster).")
final class ToolsListCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print a JSON array instead of a table.")
    boolean json;

    @Option(names = "--config", paramLabel = "FILE",
            description = "A TorchScript spec file (DJL) or an HTTP generator's settings (JSON) whose tool is listed too.")
    Path config;

    @CommandLine.Mixin
    PluginOptions pluginOptions;

    @Option(names = "--cluster", description = "Also join the cluster and list the tools its workers announce (origin: remote worker on node …).")
    boolean cluster;

    @Option(names = "--members", split = ",", paramLabel = "HOST:PORT", description = "Cluster members to contact (default: cluster.members, 127.0.0.1:5701).")
    List<String> members;

    @Option(names = "--cluster-name", paramLabel = "NAME", description = "The cluster's name (default: cluster.name, modaweave).")
    String clusterName;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Interface to join from (default: cluster.host, 127.0.0.1).")
    String host;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "3",
            description = "With --cluster, how long to listen for the workers' announcements (default: ${DEFAULT-VALUE}).")
    int waitSeconds;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        if (waitSeconds < 1 || waitSeconds > 600) {
            throw new UsageException("--wait must be 1-600 seconds, got " + waitSeconds);
        }
        ConfigLoader.Loaded loaded = ToolsCommand.configuration();
        try (Plugins plugins = pluginOptions.open(loaded);
             LoadedTools tools = LoadedTools.load(config, plugins)) {
            Map<String, ToolDescriptor> descriptors = new TreeMap<>();
            Map<String, ToolOrigin> origins = new HashMap<>();
            for (var tool : tools.all()) {
                descriptors.put(tool.descriptor().name(), tool.descriptor());
                origins.put(tool.descriptor().name(), tools.origin(tool.descriptor().name()));
            }
            if (cluster) {
                remoteTools(loaded, descriptors, origins);
            }
            List<ToolDescriptor> sorted = descriptors.values().stream()
                    .sorted(Comparator.comparing(ToolDescriptor::task).thenComparing(ToolDescriptor::name))
                    .toList();
            if (json) {
                ArrayNode array = Json.MAPPER.createArrayNode();
                sorted.forEach(d -> array.add(toJson(d).put("origin", origins.get(d.name()).describe())));
                out.println(Json.write(array));
            } else {
                String format = "%-22s %-16s %-20s %-8s %-9s %s%n";
                out.printf(format, "NAME", "TASK", "INPUT -> OUTPUT", "PREVIEW", "CAPACITY", "ORIGIN");
                for (ToolDescriptor d : sorted) {
                    out.printf(format, d.name(), d.task(), inputs(d) + " -> " + d.outputModality().wireName(),
                            d.preview() ? "yes" : "no", d.capacity(), origins.get(d.name()).describe());
                }
            }
            out.flush();
        }
    }

    /** Joins the cluster, listens to the workers' announcements for --wait seconds, and adds the tools this process lacks. */
    private void remoteTools(ConfigLoader.Loaded loaded, Map<String, ToolDescriptor> descriptors, Map<String, ToolOrigin> origins) {
        ModaweaveConfig.Cluster c = loaded.config().cluster();
        ClusterSettings settings;
        try {
            settings = new ClusterSettings(clusterName != null ? clusterName : c.name(), host != null ? host : c.host(), 0,
                    members != null ? members : c.members(), Duration.ofSeconds(1), Duration.ofSeconds(4));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        Vertx vertx;
        try {
            vertx = Clustering.start(settings, Clustering.clusterManager(settings)).await(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot join cluster '" + settings.clusterName() + "': " + e.getMessage(), e);
        }
        try {
            ToolRegistry registry = ToolRegistry.create();
            registry.attach(vertx).await(30, TimeUnit.SECONDS);
            vertx.timer(waitSeconds, TimeUnit.SECONDS).await(waitSeconds + 30L, TimeUnit.SECONDS);
            for (ToolDescriptor d : registry.all()) {
                List<String> nodes = registry.nodes(d.name());
                if (!descriptors.containsKey(d.name()) && !nodes.isEmpty()) {
                    descriptors.put(d.name(), d);
                    origins.put(d.name(), new ToolOrigin.Remote(nodes));
                }
            }
            registry.detach();
        } catch (Exception e) {
            throw new IllegalStateException("cannot list the cluster's tools: " + e.getMessage(), e);
        } finally {
            try {
                vertx.close().await(30, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // leaving the cluster; the listing is complete
            }
        }
    }

    private static String inputs(ToolDescriptor d) {
        return d.inputModalities().stream().sorted().map(Modality::wireName).collect(Collectors.joining("+"));
    }

    private static ObjectNode toJson(ToolDescriptor d) {
        ObjectNode node = Json.object();
        node.put("name", d.name());
        node.put("task", d.task());
        ArrayNode in = node.putArray("inputModalities");
        d.inputModalities().stream().sorted().forEach(m -> in.add(m.wireName()));
        node.put("outputModality", d.outputModality().wireName());
        node.put("preview", d.preview());
        node.put("capacity", d.capacity());
        node.put("description", d.description());
        return node;
    }
}
