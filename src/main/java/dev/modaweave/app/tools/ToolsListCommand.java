package dev.modaweave.app.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.agent.cluster.ClusterSettings;
import dev.modaweave.agent.cluster.Clustering;
import dev.modaweave.app.UsageException;
import dev.modaweave.app.config.ConfigLoader;
import dev.modaweave.app.config.ConfigOption;
import dev.modaweave.app.config.ModaweaveConfig;
import dev.modaweave.app.plugins.PluginOptions;
import dev.modaweave.app.plugins.Plugins;
import dev.modaweave.app.plugins.ToolOrigin;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ReachabilityProbe;
import dev.modaweave.tools.ToolDescriptor;
import dev.modaweave.tools.ToolRegistry;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code modaweave tools list [--json] [--check] [--plugins DIR] [--cluster …]}: every tool of this installation,
 * its plugins and the configuration with its task, modalities, preview flag, capacity, availability
 * ({@code --check} probes the backends that live elsewhere) and origin (built in, the plugin jar's path, the
 * configuration, or, with {@code --cluster}, the nodes whose workers announce it).
 */
@Command(name = "list",
        mixinStandardHelpOptions = true,
        description = "List every generator tool: name, task, input -> output modalities, preview flag, capacity, availability "
                + "(--check probes HTTP backends) and where it comes from (built in, a plugin jar's path, the configuration, "
                + "a remote worker with --cluster).")
final class ToolsListCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print a JSON array instead of a table.")
    boolean json;

    @CommandLine.Mixin
    ConfigOption config;

    @Option(names = "--check", description = "Probe every tool whose backend lives elsewhere (the HTTP backends): one that cannot be "
            + "reached is listed as unreachable instead of available.")
    boolean check;

    @Option(names = "--check-timeout", paramLabel = "SECONDS", defaultValue = "3",
            description = "How long --check waits for each backend (default: ${DEFAULT-VALUE}).")
    int checkSeconds;

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
        if (check && (checkSeconds < 1 || checkSeconds > 60)) {
            throw new UsageException("--check-timeout is " + checkSeconds + "; use 1 to 60 seconds");
        }
        ConfigLoader.Loaded loaded = config.load();
        try (Plugins plugins = pluginOptions.open(loaded);
             LoadedTools tools = LoadedTools.load(loaded, plugins)) {
            Map<String, Optional<String>> unreachable = check ? probeAll(tools.all()) : Map.of();
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
                for (ToolDescriptor d : sorted) {
                    ObjectNode node = toJson(d);
                    Optional<String> reason = unreachable.getOrDefault(d.name(), Optional.empty());
                    node.put("availability", reason.isPresent() ? "unreachable" : "available");
                    reason.ifPresent(r -> node.put("unreachable", r));
                    node.put("origin", origins.get(d.name()).describe());
                    array.add(node);
                }
                out.println(Json.write(array));
            } else {
                String format = "%-22s %-16s %-20s %-8s %-9s %-24s %s%n";
                out.printf(format, "NAME", "TASK", "INPUT -> OUTPUT", "PREVIEW", "CAPACITY", "ORIGIN", "AVAILABILITY");
                for (ToolDescriptor d : sorted) {
                    Optional<String> reason = unreachable.getOrDefault(d.name(), Optional.empty());
                    out.printf(format, d.name(), d.task(), inputs(d) + " -> " + d.outputModality().wireName(),
                            d.preview() ? "yes" : "no", d.capacity(), origins.get(d.name()).describe(),
                            reason.map(r -> "unreachable: " + r).orElse("available"));
                }
            }
            out.flush();
        }
    }

    /** Probes every tool that has a probe, all at once, each for at most {@code --check-timeout}. */
    private Map<String, Optional<String>> probeAll(Collection<GeneratorTool> tools) {
        Duration limit = Duration.ofSeconds(checkSeconds);
        Map<String, CompletableFuture<Optional<String>>> running = new LinkedHashMap<>();
        ExecutorService threads = Executors.newFixedThreadPool(Math.min(16, Math.max(1, tools.size())), r -> {
            Thread t = new Thread(r, "modaweave-check");
            t.setDaemon(true);
            return t;
        });
        for (GeneratorTool tool : tools) {
            if (tool instanceof ReachabilityProbe probe) {
                running.put(tool.descriptor().name(), CompletableFuture.supplyAsync(() -> probe.probe(limit), threads));
            }
        }
        threads.shutdown();
        Map<String, Optional<String>> results = new LinkedHashMap<>();
        running.forEach((name, probe) -> {
            try {
                results.put(name, probe.get(checkSeconds + 2L, TimeUnit.SECONDS));
            } catch (TimeoutException e) {
                results.put(name, Optional.of("no answer within " + checkSeconds + " s"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                results.put(name, Optional.of("the check was interrupted"));
            } catch (ExecutionException e) {
                results.put(name, Optional.of("the probe failed: " + e.getCause().getMessage()));
            }
        });
        return results;
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
