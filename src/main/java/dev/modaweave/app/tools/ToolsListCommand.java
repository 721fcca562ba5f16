package dev.modaweave.app.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.app.plugins.PluginOptions;
import dev.modaweave.app.plugins.Plugins;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ToolDescriptor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code modaweave tools list [--json] [--plugins DIR]}: every tool with its task, modalities, preview flag,
 * capacity and origin (built in, the plugin jar's path, or the configuration).
 */
@Command(name = "list",
        mixinStandardHelpOptions = true,
        description = "List every generator tool: name, task, input -> output modalities, preview flag, capacity, "
                + "and where it comes from (built in, a plugin jar's path, the configuration).")
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

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        try (Plugins plugins = pluginOptions.open(ToolsCommand.configuration());
             LoadedTools tools = LoadedTools.load(config, plugins)) {
            List<ToolDescriptor> descriptors = tools.all().stream().map(t -> t.descriptor())
                    .sorted(Comparator.comparing(ToolDescriptor::task).thenComparing(ToolDescriptor::name))
                    .toList();
            if (json) {
                ArrayNode array = Json.MAPPER.createArrayNode();
                descriptors.forEach(d -> array.add(toJson(d).put("origin", tools.origin(d.name()).describe())));
                out.println(Json.write(array));
            } else {
                String format = "%-22s %-16s %-20s %-8s %-9s %s%n";
                out.printf(format, "NAME", "TASK", "INPUT -> OUTPUT", "PREVIEW", "CAPACITY", "ORIGIN");
                for (ToolDescriptor d : descriptors) {
                    out.printf(format, d.name(), d.task(), inputs(d) + " -> " + d.outputModality().wireName(),
                            d.preview() ? "yes" : "no", d.capacity(), tools.origin(d.name()).describe());
                }
            }
            out.flush();
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
