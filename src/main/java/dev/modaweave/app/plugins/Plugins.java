package dev.modaweave.app.plugins;

import dev.modaweave.app.config.ConfigLoader;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.GeneratorToolFactory;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Plugin jars and their class loaders. A plugins directory holds tool jars ({@code DIR/*.jar}) and,
 * optionally, the libraries they need ({@code DIR/lib/*.jar}); a fat jar needs no {@code lib/}. Each
 * jar gets a class loader of its own over itself and that directory's libraries, a child of the
 * application's class loader (so the tool SPI, Jackson and Vert.x are the application's, and two
 * plugins in different directories may carry different versions of any other library).
 * {@link GeneratorTool}s and {@link GeneratorToolFactory}s are found in each jar with the
 * {@link ServiceLoader}. The directories come from {@link #directories}: {@code --plugins DIR}
 * (repeatable), {@code MODAWEAVE_PLUGINS} (a {@link File#pathSeparator}-separated list),
 * {@code tools.plugins} of the configuration, then {@code ./plugins} and {@code ~/.modaweave/plugins}
 * when they exist.
 *
 * <p>A jar that cannot be read, a provider class that does not load (a library missing from
 * {@code lib/}), a jar that provides nothing and a tool name that is already taken each stop with a
 * {@link PluginException} naming the jar and the class. Closing closes the class loaders; close the
 * tools first.
 */
public final class Plugins implements AutoCloseable {

    /** The environment variable listing plugins directories. */
    public static final String ENV = "MODAWEAVE_PLUGINS";

    private static final String TOOL_SERVICE = "META-INF/services/" + GeneratorTool.class.getName();
    private static final String FACTORY_SERVICE = "META-INF/services/" + GeneratorToolFactory.class.getName();

    /**
     * One plugin jar.
     *
     * @param jar         the jar
     * @param libraries   the jars of its directory's {@code lib/}
     * @param classLoader the plugin's own class loader
     */
    public record Plugin(Path jar, List<Path> libraries, URLClassLoader classLoader) {
        public Plugin {
            Objects.requireNonNull(jar, "jar");
            libraries = List.copyOf(libraries);
            Objects.requireNonNull(classLoader, "classLoader");
        }

        /** The origin of the tools this jar provides. */
        public ToolOrigin origin() {
            return new ToolOrigin.Plugin(jar);
        }
    }

    /**
     * A service provided by a plugin.
     *
     * @param service the instance
     * @param plugin  the plugin whose jar holds its class
     */
    public record Provided<S>(S service, Plugin plugin) {
    }

    private final List<Path> directories;
    private final List<Plugin> plugins;

    private Plugins(List<Path> directories, List<Plugin> plugins) {
        this.directories = List.copyOf(directories);
        this.plugins = List.copyOf(plugins);
    }

    /** No plugins at all. */
    public static Plugins none() {
        return new Plugins(List.of(), List.of());
    }

    /**
     * The plugins directories, in this order, each once: the {@code --plugins} flags, the entries of
     * {@code MODAWEAVE_PLUGINS}, the configuration's {@code tools.plugins} (relative to the
     * configuration file), then {@code plugins} under the working directory and {@code .modaweave/plugins}
     * under the home directory when they exist.
     *
     * @param flags            the {@code --plugins} values
     * @param env              the environment
     * @param loaded           the configuration, or null
     * @param workingDirectory where {@code ./plugins} is looked for
     * @param home             where {@code .modaweave/plugins} is looked for, or null
     * @throws PluginException when a directory named by a flag, the variable or the configuration is not a directory
     */
    public static List<Path> directories(List<Path> flags, Map<String, String> env, ConfigLoader.Loaded loaded,
                                         Path workingDirectory, Path home) {
        Set<Path> found = new LinkedHashSet<>();
        for (Path flag : flags) {
            found.add(requireDirectory(flag, "--plugins " + flag));
        }
        String listed = env.get(ENV);
        if (listed != null) {
            for (String entry : listed.split(java.util.regex.Pattern.quote(File.pathSeparator))) {
                if (!entry.isBlank()) {
                    found.add(requireDirectory(Path.of(entry.strip()), ENV + " entry " + entry.strip()));
                }
            }
        }
        if (loaded != null) {
            List<String> configured = loaded.config().tools().plugins();
            for (int i = 0; i < configured.size(); i++) {
                found.add(requireDirectory(loaded.resolve(configured.get(i)), "tools.plugins[" + i + "] (" + configured.get(i) + ")"));
            }
        }
        for (Path implicit : home == null ? List.of(workingDirectory.resolve("plugins"))
                : List.of(workingDirectory.resolve("plugins"), home.resolve(".modaweave").resolve("plugins"))) {
            if (Files.isDirectory(implicit)) {
                found.add(real(implicit));
            }
        }
        return List.copyOf(found);
    }

    /**
     * Opens every jar of the directories, each with its own class loader, children of {@code parent}.
     *
     * @throws PluginException when a jar or library cannot be read, or a jar provides no tool and no factory
     */
    public static Plugins open(List<Path> directories, ClassLoader parent) {
        List<Plugin> opened = new ArrayList<>();
        try {
            for (Path directory : directories) {
                List<Path> libraries = jars(directory.resolve("lib"));
                for (Path library : libraries) {
                    requireReadable(library, "library");
                }
                for (Path jar : jars(directory)) {
                    requireReadable(jar, "plugin jar");
                    if (!providesSomething(jar)) {
                        throw new PluginException("plugin jar " + jar + " provides no tool: it has neither " + TOOL_SERVICE
                                + " nor " + FACTORY_SERVICE + "; add the services file, or move a library into " + directory.resolve("lib"));
                    }
                    List<URL> urls = new ArrayList<>();
                    urls.add(url(jar));
                    for (Path library : libraries) {
                        urls.add(url(library));
                    }
                    URLClassLoader loader = new URLClassLoader("plugin:" + jar.getFileName(), urls.toArray(URL[]::new), parent);
                    opened.add(new Plugin(jar, libraries, loader));
                }
            }
        } catch (RuntimeException e) {
            opened.forEach(p -> closeQuietly(p.classLoader()));
            throw e;
        }
        return new Plugins(directories, opened);
    }

    /** The directories the plugins were read from. */
    public List<Path> directories() {
        return directories;
    }

    /** Every plugin jar, in the order of the directories and of the file names. */
    public List<Plugin> plugins() {
        return plugins;
    }

    /** The plugins' class loaders, in the order of {@link #plugins()}. */
    public List<ClassLoader> classLoaders() {
        return plugins.stream().<ClassLoader>map(Plugin::classLoader).toList();
    }

    /**
     * Instantiates every provider of {@code type} whose class lives in a plugin jar (providers the
     * application itself has are not repeated).
     *
     * @throws PluginException naming the jar and the class when a provider does not load or cannot be created
     */
    public <S> List<Provided<S>> services(Class<S> type) {
        List<Provided<S>> provided = new ArrayList<>();
        for (Plugin plugin : plugins) {
            Iterator<ServiceLoader.Provider<S>> providers = ServiceLoader.load(type, plugin.classLoader()).stream().iterator();
            while (true) {
                ServiceLoader.Provider<S> provider;
                try {
                    if (!providers.hasNext()) {
                        break;
                    }
                    provider = providers.next();
                } catch (ServiceConfigurationError | LinkageError e) {
                    throw failure(plugin, null, type, e);
                }
                if (provider.type().getClassLoader() != plugin.classLoader()) {
                    continue;
                }
                try {
                    provided.add(new Provided<>(provider.get(), plugin));
                } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
                    throw failure(plugin, provider.type().getName(), type, e);
                }
            }
        }
        return provided;
    }

    /**
     * Every {@link GeneratorTool} of the plugin jars, each with its jar as origin.
     *
     * @throws PluginException when one does not load, or two plugins name a tool alike; the tools already made are closed
     */
    public List<SourcedTool> tools() {
        return withTools(List.of());
    }

    /**
     * The tools on {@code appLoader}'s class path (origin {@link ToolOrigin#BUILT_IN}) followed by the
     * plugins' tools.
     *
     * @throws PluginException when a tool name is taken twice (naming both classes and where they come
     *                         from) or a plugin does not load; the tools already made are closed
     */
    public List<SourcedTool> toolsWithBuiltIns(ClassLoader appLoader) {
        List<SourcedTool> builtIn = new ArrayList<>();
        for (GeneratorTool tool : dev.modaweave.tools.ToolRegistry.loadServices(appLoader)) {
            builtIn.add(new SourcedTool(tool, ToolOrigin.BUILT_IN));
        }
        return withTools(builtIn);
    }

    private List<SourcedTool> withTools(List<SourcedTool> first) {
        Map<String, SourcedTool> byName = new LinkedHashMap<>();
        List<SourcedTool> made = new ArrayList<>(first);
        try {
            for (SourcedTool tool : first) {
                byName.put(tool.name(), tool);
            }
            for (Provided<GeneratorTool> provided : services(GeneratorTool.class)) {
                SourcedTool tool = new SourcedTool(provided.service(), provided.plugin().origin());
                made.add(tool);
                String name;
                try {
                    name = tool.name();
                } catch (LinkageError | RuntimeException e) {
                    throw failure(provided.plugin(), provided.service().getClass().getName(), GeneratorTool.class, e);
                }
                SourcedTool earlier = byName.putIfAbsent(name, tool);
                if (earlier != null) {
                    throw new PluginException("two tools are named '" + name + "': " + describe(earlier) + " and " + describe(tool)
                            + "; remove one of the jars or rename one tool");
                }
            }
            return List.copyOf(byName.values());
        } catch (RuntimeException e) {
            closeAll(made);
            throw e;
        }
    }

    /** The tool factories of {@code appLoader}'s class path followed by every plugin jar's. */
    public dev.modaweave.app.config.ToolFactories toolFactories(ClassLoader appLoader) {
        List<ClassLoader> loaders = new ArrayList<>();
        loaders.add(appLoader);
        loaders.addAll(classLoaders());
        return dev.modaweave.app.config.ToolFactories.load(loaders.toArray(ClassLoader[]::new));
    }

    /** Closes every plugin's class loader. */
    @Override
    public void close() {
        plugins.forEach(p -> closeQuietly(p.classLoader()));
    }

    /** Closes tools, ignoring failures, so one tool cannot keep the others open. */
    public static void closeAll(Collection<SourcedTool> tools) {
        for (SourcedTool tool : tools) {
            try {
                tool.tool().close();
            } catch (RuntimeException | LinkageError e) {
                // closing the others matters more
            }
        }
    }

    private static String describe(SourcedTool tool) {
        return tool.tool().getClass().getName() + " (" + (tool.origin() instanceof ToolOrigin.Plugin p
                ? "plugin jar " + p.jar() : tool.origin().describe()) + ")";
    }

    private static PluginException failure(Plugin plugin, String className, Class<?> service, Throwable e) {
        String missing = missingClass(e);
        String subject = className != null ? "class " + className : "a " + service.getSimpleName() + " provider";
        Path lib = plugin.jar().getParent().resolve("lib");
        if (missing != null) {
            return new PluginException("plugin jar " + plugin.jar() + ": " + subject + " needs the class " + missing
                    + ", which neither the jar, " + lib + " nor the application has; put the library that holds it in "
                    + lib + " or build a jar with its dependencies", e);
        }
        return new PluginException("plugin jar " + plugin.jar() + ": " + subject + " cannot be loaded: " + reason(e), e);
    }

    private static String missingClass(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if ((t instanceof NoClassDefFoundError || t instanceof ClassNotFoundException) && t.getMessage() != null) {
                return t.getMessage().replace('/', '.');
            }
        }
        return null;
    }

    private static String reason(Throwable e) {
        StringBuilder reason = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            reason.append(": ").append(t.getClass().getSimpleName()).append(t.getMessage() == null ? "" : " " + t.getMessage());
        }
        return reason.toString();
    }

    private static Path requireDirectory(Path directory, String what) {
        if (!Files.isDirectory(directory)) {
            throw new PluginException(what + " is not a directory" + (Files.exists(directory) ? "" : " (it does not exist)")
                    + "; a plugins directory holds tool jars and, optionally, their libraries in lib/");
        }
        return real(directory);
    }

    private static Path real(Path directory) {
        try {
            return directory.toRealPath();
        } catch (IOException e) {
            return directory.toAbsolutePath().normalize();
        }
    }

    private static List<Path> jars(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f)).sorted().toList();
        } catch (IOException e) {
            throw new PluginException("cannot list the plugins directory " + directory + ": " + e.getMessage(), e);
        }
    }

    private static void requireReadable(Path jar, String what) {
        try (JarFile file = new JarFile(jar.toFile())) {
            file.size();
        } catch (IOException e) {
            throw new PluginException(what + " " + jar + " cannot be read as a jar (" + e.getMessage()
                    + "); rebuild it or remove it from " + jar.getParent(), e);
        }
    }

    private static boolean providesSomething(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getEntry(TOOL_SERVICE) != null || file.getEntry(FACTORY_SERVICE) != null;
        } catch (IOException e) {
            throw new PluginException("plugin jar " + jar + " cannot be read as a jar (" + e.getMessage() + ")", e);
        }
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new PluginException("plugin jar " + jar + " has no usable URL: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            // the jar files close with the process
        }
    }
}
