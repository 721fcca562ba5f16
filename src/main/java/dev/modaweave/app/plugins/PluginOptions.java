package dev.modaweave.app.plugins;

import dev.modaweave.app.UsageException;
import dev.modaweave.app.config.ConfigLoader;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code --plugins DIR} option every command that runs tools mixes in (picocli {@code @Mixin}),
 * and the one place that turns it, {@code MODAWEAVE_PLUGINS}, {@code tools.plugins} and the default
 * directories into open {@link Plugins}.
 */
public final class PluginOptions {

    @Option(names = "--plugins", paramLabel = "DIR",
            description = "A directory of plugin jars (tool jars, their libraries in DIR/lib/); repeatable. Also read: "
                    + "$MODAWEAVE_PLUGINS, tools.plugins of the configuration, ./plugins and ~/.modaweave/plugins.")
    List<Path> directories = new ArrayList<>();

    /** The {@code --plugins} values given. */
    public List<Path> flags() {
        return List.copyOf(directories);
    }

    /**
     * Opens the plugins of every directory, children of the application's class loader.
     *
     * @param loaded the configuration (for {@code tools.plugins}), or null
     * @throws UsageException naming the directory, jar or class that cannot be used
     */
    public Plugins open(ConfigLoader.Loaded loaded) {
        return open(loaded, System.getenv());
    }

    /** As {@link #open(ConfigLoader.Loaded)} with the given environment. */
    public Plugins open(ConfigLoader.Loaded loaded, Map<String, String> env) {
        String home = System.getProperty("user.home");
        try {
            List<Path> found = Plugins.directories(directories, env, loaded, Path.of(""), home == null ? null : Path.of(home));
            return Plugins.open(found, PluginOptions.class.getClassLoader());
        } catch (PluginException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }
}
