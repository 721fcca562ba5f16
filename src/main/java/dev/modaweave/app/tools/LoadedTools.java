package dev.modaweave.app.tools;

import dev.modaweave.app.UsageException;
import dev.modaweave.app.config.ConfigException;
import dev.modaweave.app.config.ConfigLoader;
import dev.modaweave.app.config.ConfiguredTools;
import dev.modaweave.tools.GeneratorTool;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The tools the command line can run directly, the same ones a node built from the same
 * configuration serves: every {@link GeneratorTool} found by the {@link java.util.ServiceLoader}, plus
 * every tool of the configuration's {@code tools:} section ({@link ConfiguredTools}). Closing closes them all.
 */
final class LoadedTools implements AutoCloseable {

    private final Map<String, GeneratorTool> byName;

    private LoadedTools(Map<String, GeneratorTool> byName) {
        this.byName = byName;
    }

    /**
     * @throws UsageException when two tools share a name, or a configured tool cannot be built
     */
    static LoadedTools load(ConfigLoader.Loaded config) {
        Map<String, GeneratorTool> tools = new LinkedHashMap<>();
        try {
            for (GeneratorTool tool : ServiceLoader.load(GeneratorTool.class)) {
                add(tools, tool);
            }
            List<GeneratorTool> configured;
            try {
                configured = ConfiguredTools.create(config);
            } catch (ConfigException e) {
                throw new UsageException(e.getMessage(), e);
            }
            for (int i = 0; i < configured.size(); i++) {
                try {
                    add(tools, configured.get(i));
                } catch (RuntimeException e) {
                    closeAll(configured.subList(i, configured.size()));
                    throw e;
                }
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
