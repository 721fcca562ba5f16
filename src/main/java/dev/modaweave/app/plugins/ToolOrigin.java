package dev.modaweave.app.plugins;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a tool comes from, as {@code tools list} shows it: built into the application, a plugin jar,
 * the configuration, or a worker on another node of the cluster.
 */
public sealed interface ToolOrigin {

    /** A short description: {@code built in}, the jar's path, {@code configured}, {@code worker on node …}. */
    String describe();

    /** A provider on the application's own class path. */
    record BuiltIn() implements ToolOrigin {
        @Override
        public String describe() {
            return "built in";
        }
    }

    /** A provider in a plugin jar. @param jar the jar's path */
    record Plugin(Path jar) implements ToolOrigin {
        public Plugin {
            Objects.requireNonNull(jar, "jar");
        }

        @Override
        public String describe() {
            return jar.toString();
        }
    }

    /** A tool made from the configuration (a {@code tools:} entry or a {@code --config} spec). @param source what described it */
    record Configured(String source) implements ToolOrigin {
        public Configured {
            Objects.requireNonNull(source, "source");
        }

        @Override
        public String describe() {
            return "configured (" + source + ")";
        }
    }

    /** A tool announced by a worker on another node. @param nodes the nodes its live workers run on */
    record Remote(java.util.List<String> nodes) implements ToolOrigin {
        public Remote {
            nodes = java.util.List.copyOf(nodes);
        }

        @Override
        public String describe() {
            return nodes.isEmpty() ? "remote worker (none live)" : "remote worker on node " + String.join(", ", nodes);
        }
    }

    /** The one {@link BuiltIn} value. */
    ToolOrigin BUILT_IN = new BuiltIn();
}
