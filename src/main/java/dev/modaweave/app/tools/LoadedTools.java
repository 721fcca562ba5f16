package dev.modaweave.app.tools;

import dev.modaweave.app.UsageException;
import dev.modaweave.app.config.ConfigException;
import dev.modaweave.app.config.ConfigLoader;
import dev.modaweave.app.config.ConfiguredTools;
import dev.modaweave.app.plugins.Plugins;
import dev.modaweave.app.plugins.SourcedTool;
import dev.modaweave.app.plugins.ToolOrigin;
import dev.modaweave.tools.GeneratorTool;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;

/**
 * The tools the command line can run directly, the same ones a node built from the same
 * configuration and plugins serves: every {@link GeneratorTool} found by the {@link java.util.ServiceLoader}
 * on the class path and in the plugin jars, plus every tool of the configuration's {@code tools:} section
 * ({@link ConfiguredTools}), built by the factories of the class path and the plugins. Closing closes them all.
 */
final class LoadedTools implements AutoCloseable {

    private final Map<String, GeneratorTool> byName;
    private final Map<String, ToolOrigin> origins;

    private LoadedTools(Map<String, GeneratorTool> byName, Map<String, ToolOrigin> origins) {
        this.byName = byName;
        this.origins = origins;
    }

    /**
     * @param config  the configuration whose {@code tools:} section is built
     * @param plugins the plugin jars whose tools and factories are loaded too
     * @throws UsageException when two tools share a name, or a configured tool cannot be built
     */
    static LoadedTools load(ConfigLoader.Loaded config, Plugins plugins) {
        Map<String, GeneratorTool> tools = new LinkedHashMap<>();
        Map<String, ToolOrigin> origins = new LinkedHashMap<>();
        try {
            for (SourcedTool tool : plugins.toolsWithBuiltIns(LoadedTools.class.getClassLoader())) {
                tools.put(tool.name(), tool.tool());
                origins.put(tool.name(), tool.origin());
            }
            List<GeneratorTool> configured;
            try {
                configured = ConfiguredTools.create(config, plugins.toolFactories(LoadedTools.class.getClassLoader()), System::getenv);
            } catch (ConfigException e) {
                throw new UsageException(e.getMessage(), e);
            }
            for (int i = 0; i < configured.size(); i++) {
                try {
                    add(tools, configured.get(i));
                    origins.put(configured.get(i).descriptor().name(), new ToolOrigin.Configured("modaweave.yaml"));
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
        return new LoadedTools(tools, origins);
    }

    /** Where the named tool came from. */
    ToolOrigin origin(String name) {
        return origins.getOrDefault(name, ToolOrigin.BUILT_IN);
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
