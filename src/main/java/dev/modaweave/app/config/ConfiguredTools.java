package dev.modaweave.app.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.GeneratorToolFactory;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.ToolException;
import dev.modaweave.tools.ToolSettings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The tools that need settings, created from the configuration's {@code tools:} section, each through
 * the {@link GeneratorToolFactory} its {@code backend:} names: every {@code tools.backends} entry, every
 * {@code tools.http} entry (the older form of the same thing) and every {@code tools.djl} spec path (as
 * {@code {backend: torchscript, spec: PATH}}). An entry's {@code priority:} is the application's: it is
 * taken out of the settings the factory sees and set on the tool's descriptor. A bad entry stops the
 * start naming its position.
 */
public final class ConfiguredTools {

    /** The key of an entry the application reads itself rather than the factory. */
    public static final String PRIORITY = "priority";

    /** The tools of {@code loaded}, built by the factories of the application's class path, secrets from the process environment. */
    public static List<GeneratorTool> create(ConfigLoader.Loaded loaded) {
        return create(loaded, ToolFactories.load(), System::getenv);
    }

    /**
     * @param factories   where {@code backend:} kinds are looked up
     * @param environment where {@code apiKeyEnv}-style settings are read
     * @throws ConfigException naming the entry ({@code tools.backends[1]}) and the problem; tools created
     *                         before it are closed
     */
    public static List<GeneratorTool> create(ConfigLoader.Loaded loaded, ToolFactories factories,
                                             Function<String, String> environment) {
        List<GeneratorTool> tools = new ArrayList<>();
        Path base = loaded.directory() == null ? Path.of("").toAbsolutePath() : loaded.directory();
        try {
            ModaweaveConfig.Tools section = loaded.config().tools();
            for (int i = 0; i < section.backends().size(); i++) {
                tools.add(build("tools.backends[" + i + "]", entry(section.backends().get(i)), factories, base, environment));
            }
            for (int i = 0; i < section.http().size(); i++) {
                tools.add(build("tools.http[" + i + "]", entry(section.http().get(i)), factories, base, environment));
            }
            for (int i = 0; i < section.djl().size(); i++) {
                String spec = section.djl().get(i);
                ObjectNode entry = Json.object().put("backend", "torchscript").put("spec", loaded.resolve(spec).toString());
                tools.add(build("tools.djl[" + i + "] (" + spec + ")", entry, factories, base, environment));
            }
            return tools;
        } catch (ConfigException e) {
            tools.forEach(GeneratorTool::close);
            throw e;
        }
    }

    private static ObjectNode entry(Map<String, Object> values) {
        return Json.MAPPER.valueToTree(values);
    }

    private static GeneratorTool build(String where, ObjectNode entry, ToolFactories factories, Path base,
                                       Function<String, String> environment) {
        JsonNode kindNode = entry.get("backend");
        if (kindNode == null || !kindNode.isTextual() || kindNode.asText().isBlank()) {
            throw new ConfigException(where + ": 'backend' is missing; it names the kind of tool, one of " + factories.kinds());
        }
        String kind = kindNode.asText();
        GeneratorToolFactory factory = factories.find(kind).orElseThrow(() -> new ConfigException(where + ": backend '" + kind
                + "' is not a kind any factory on the class path makes; known kinds: " + factories.kinds()));
        Integer priority = null;
        JsonNode p = entry.remove(PRIORITY);
        if (p != null && !p.isNull()) {
            if (!p.canConvertToInt() || !p.isIntegralNumber()) {
                throw new ConfigException(where + ": priority is '" + p.asText() + "'; use a whole number (higher is chosen first)");
            }
            priority = p.intValue();
        }
        GeneratorTool tool;
        try {
            tool = factory.create(new ToolSettings(entry, base, environment));
        } catch (IllegalArgumentException | ToolException | java.io.UncheckedIOException e) {
            throw new ConfigException(where + ": " + e.getMessage(), e);
        }
        if (tool == null) {
            throw new ConfigException(where + ": factory " + factory.getClass().getName() + " made no tool");
        }
        return priority == null ? tool : new PrioritisedTool(tool, priority);
    }

    private ConfiguredTools() {
    }
}
