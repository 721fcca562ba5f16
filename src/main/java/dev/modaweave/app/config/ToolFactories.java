package dev.modaweave.app.config;

import dev.modaweave.tools.GeneratorToolFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Every {@link GeneratorToolFactory} the given class loaders provide through
 * {@code META-INF/services/dev.modaweave.tools.GeneratorToolFactory}, by {@link GeneratorToolFactory#kind()}.
 * A factory a child loader finds through its parent counts once; two different classes claiming one
 * kind stop the load with a message naming both.
 *
 * <pre>{@code
 * ToolFactories factories = ToolFactories.load(appLoader, pluginLoader);
 * GeneratorTool tool = factories.require("comfyui").create(settings);
 * }</pre>
 */
public final class ToolFactories {

    private final Map<String, GeneratorToolFactory> byKind;

    private ToolFactories(Map<String, GeneratorToolFactory> byKind) {
        this.byKind = Collections.unmodifiableMap(byKind);
    }

    /** The factories of the application's own class path. */
    public static ToolFactories load() {
        return load(ToolFactories.class.getClassLoader());
    }

    /**
     * The factories every loader provides, in the loaders' order.
     *
     * @throws ConfigException when two classes claim one kind (naming both), a factory cannot be
     *                         instantiated, or a kind is blank
     */
    public static ToolFactories load(ClassLoader... loaders) {
        Map<String, GeneratorToolFactory> byKind = new TreeMap<>();
        for (ClassLoader loader : loaders) {
            try {
                for (GeneratorToolFactory factory : ServiceLoader.load(GeneratorToolFactory.class, loader)) {
                    add(byKind, factory);
                }
            } catch (ServiceConfigurationError e) {
                throw new ConfigException("a generator tool factory could not be loaded: " + e.getMessage(), e);
            }
        }
        return new ToolFactories(byKind);
    }

    /** These factories (for tests and embedders that build their own set). */
    public static ToolFactories of(Collection<? extends GeneratorToolFactory> factories) {
        Map<String, GeneratorToolFactory> byKind = new TreeMap<>();
        factories.forEach(f -> add(byKind, f));
        return new ToolFactories(byKind);
    }

    private static void add(Map<String, GeneratorToolFactory> byKind, GeneratorToolFactory factory) {
        String kind = factory.kind();
        if (kind == null || !kind.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
            throw new ConfigException("generator tool factory " + factory.getClass().getName() + " has the kind '" + kind
                    + "'; a kind is lower-case words joined by '-'");
        }
        GeneratorToolFactory previous = byKind.putIfAbsent(kind, factory);
        if (previous != null && previous.getClass() != factory.getClass()) {
            throw new ConfigException("two generator tool factories make backend '" + kind + "': " + previous.getClass().getName()
                    + " and " + factory.getClass().getName() + "; remove one jar or its META-INF/services line");
        }
    }

    /** The factory of {@code kind}, if any. */
    public Optional<GeneratorToolFactory> find(String kind) {
        return Optional.ofNullable(byKind.get(kind));
    }

    /** The factories, sorted by kind. */
    public List<GeneratorToolFactory> all() {
        return new ArrayList<>(byKind.values());
    }

    /** The kinds, sorted. */
    public List<String> kinds() {
        return new ArrayList<>(byKind.keySet());
    }
}
