package dev.modaweave.app.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.app.config.ConfigOption;
import dev.modaweave.app.UsageException;
import dev.modaweave.app.config.ConfigException;
import dev.modaweave.app.config.ToolFactories;
import dev.modaweave.tools.GeneratorToolFactory;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.ReachabilityProbe;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ToolDescriptor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code modaweave tools list [--json] [--check]}: every tool of this installation and of the configuration with its
 * task, modalities, preview flag, capacity and availability; {@code --check} probes the backends that live elsewhere.
 */
@Command(name = "list",
        mixinStandardHelpOptions = true,
        description = "List every generator tool (found on the class path or configured in modaweave.yaml): name, task, "
                + "input -> output modalities, preview flag, capacity, availability (--check probes HTTP backends).")
final class ToolsListCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print a JSON array instead of a table.")
    boolean json;

    @CommandLine.Mixin
    ConfigOption config;

    @Option(names = "--kinds", description = "List the backend kinds tools.backends entries can name (every GeneratorToolFactory "
            + "found) instead of the tools.")
    boolean kinds;

    @Option(names = "--check", description = "Probe every tool whose backend lives elsewhere (the HTTP backends): one that cannot be "
            + "reached is listed as unreachable instead of available.")
    boolean check;

    @Option(names = "--check-timeout", paramLabel = "SECONDS", defaultValue = "3",
            description = "How long --check waits for each backend (default: ${DEFAULT-VALUE}).")
    int checkSeconds;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        if (kinds) {
            printKinds(out);
            return;
        }
        try (LoadedTools tools = LoadedTools.load(config.load())) {
            if (check && (checkSeconds < 1 || checkSeconds > 60)) {
                throw new UsageException("--check-timeout is " + checkSeconds + "; use 1 to 60 seconds");
            }
            Map<String, Optional<String>> unreachable = check ? probeAll(tools.all()) : Map.of();
            List<ToolDescriptor> descriptors = tools.all().stream().map(GeneratorTool::descriptor)
                    .sorted(Comparator.comparing(ToolDescriptor::task).thenComparing(ToolDescriptor::name))
                    .toList();
            if (json) {
                ArrayNode array = Json.MAPPER.createArrayNode();
                for (ToolDescriptor d : descriptors) {
                    ObjectNode node = toJson(d);
                    Optional<String> reason = unreachable.getOrDefault(d.name(), Optional.empty());
                    node.put("availability", reason.isPresent() ? "unreachable" : "available");
                    reason.ifPresent(r -> node.put("unreachable", r));
                    array.add(node);
                }
                out.println(Json.write(array));
            } else {
                String format = "%-22s %-16s %-20s %-8s %-9s %s%n";
                out.printf(format, "NAME", "TASK", "INPUT -> OUTPUT", "PREVIEW", "CAPACITY", "AVAILABILITY");
                for (ToolDescriptor d : descriptors) {
                    Optional<String> reason = unreachable.getOrDefault(d.name(), Optional.empty());
                    out.printf(format, d.name(), d.task(), inputs(d) + " -> " + d.outputModality().wireName(),
                            d.preview() ? "yes" : "no", d.capacity(), reason.map(r -> "unreachable: " + r).orElse("available"));
                }
            }
            out.flush();
        }
    }

    private void printKinds(PrintWriter out) {
        List<GeneratorToolFactory> factories;
        try {
            factories = ToolFactories.load().all();
        } catch (ConfigException e) {
            throw new UsageException(e.getMessage(), e);
        }
        if (json) {
            ArrayNode array = Json.MAPPER.createArrayNode();
            factories.forEach(f -> array.add(Json.object().put("kind", f.kind()).put("description", f.description())
                    .put("factory", f.getClass().getName())));
            out.println(Json.write(array));
        } else {
            out.printf("%-16s %s%n", "KIND", "DESCRIPTION");
            factories.forEach(f -> out.printf("%-16s %s%n", f.kind(), f.description()));
        }
        out.flush();
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
