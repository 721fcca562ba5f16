package dev.modaweave.app.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modaweave.app.UsageException;
import dev.modaweave.generators.djl.TorchScriptTool;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.ToolException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The tools the command line can run directly: every {@link GeneratorTool} found by the
 * {@link ServiceLoader}, plus a TorchScript tool when {@code --config} names a DJL spec file.
 * Closing closes them all.
 */
final class LoadedTools implements AutoCloseable {

    private final Map<String, GeneratorTool> byName;

    private LoadedTools(Map<String, GeneratorTool> byName) {
        this.byName = byName;
    }

    /**
     * @param config a TorchScript spec file, or null
     * @throws UsageException when two tools share a name, or the config is not a usable spec
     */
    static LoadedTools load(Path config) {
        Map<String, GeneratorTool> tools = new LinkedHashMap<>();
        try {
            for (GeneratorTool tool : ServiceLoader.load(GeneratorTool.class)) {
                add(tools, tool);
            }
            if (config != null) {
                add(tools, fromConfig(config));
            }
        } catch (ServiceConfigurationError e) {
            closeAll(tools.values());
            throw new IllegalStateException("a generator tool could not be created: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeAll(tools.values());
            throw e;
        }
        return new LoadedTools(tools);
    }

    Collection<GeneratorTool> all() {
        return byName.values();
    }

    Optional<GeneratorTool> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    List<String> names() {
        return new ArrayList<>(byName.keySet());
    }

    @Override
    public void close() {
        closeAll(byName.values());
    }

    private static void add(Map<String, GeneratorTool> tools, GeneratorTool tool) {
        String name = tool.descriptor().name();
        GeneratorTool previous = tools.putIfAbsent(name, tool);
        if (previous != null) {
            throw new UsageException("two tools are named '" + name + "': " + previous.getClass().getName() + " and "
                    + tool.getClass().getName() + "; rename one or remove its META-INF/services line");
        }
    }

    private static GeneratorTool fromConfig(Path config) {
        JsonNode node;
        try {
            node = Json.parse(Files.readString(config));
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException("cannot read --config " + config + " as JSON: " + e.getMessage(), e);
        }
        if (!node.has("model") || !node.has("output")) {
            throw new UsageException("--config " + config + " is not a TorchScript spec (no \"model\" and \"output\"); "
                    + "generate accepts only DJL spec files so far, see generators/djl/README.md");
        }
        try {
            return TorchScriptTool.load(config);
        } catch (ToolException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }

    private static void closeAll(Collection<GeneratorTool> tools) {
        for (GeneratorTool tool : tools) {
            try {
                tool.close();
            } catch (Exception e) {
                // closing one tool must not keep the others open
            }
        }
    }
}
