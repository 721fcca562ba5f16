package dev.modaweave.app.plugins;

import dev.modaweave.tools.GeneratorTool;

import java.util.Objects;

/**
 * A tool together with where it came from.
 *
 * @param tool   the tool (its owner closes it)
 * @param origin built in, a plugin jar, or the configuration
 */
public record SourcedTool(GeneratorTool tool, ToolOrigin origin) {
    public SourcedTool {
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(origin, "origin");
    }

    /** The tool's name, from its descriptor. */
    public String name() {
        return tool.descriptor().name();
    }
}
