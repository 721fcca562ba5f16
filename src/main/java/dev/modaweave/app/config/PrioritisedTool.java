package dev.modaweave.app.config;

import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.ReachabilityProbe;
import dev.modaweave.tools.ToolDescriptor;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A configured tool whose descriptor carries the entry's {@code priority:}; everything else, the
 * reachability probe included, is the wrapped tool's.
 */
final class PrioritisedTool implements GeneratorTool, ReachabilityProbe {

    private final GeneratorTool tool;
    private final ToolDescriptor descriptor;

    PrioritisedTool(GeneratorTool tool, int priority) {
        this.tool = Objects.requireNonNull(tool, "tool");
        this.descriptor = tool.descriptor().withPriority(priority);
    }

    /** The tool this one wraps. */
    GeneratorTool delegate() {
        return tool;
    }

    @Override
    public ToolDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
        return tool.generate(request, progress);
    }

    /** The wrapped tool's probe; a tool without one counts as reachable. */
    @Override
    public Optional<String> probe(Duration timeout) {
        return tool instanceof ReachabilityProbe probe ? probe.probe(timeout) : Optional.empty();
    }

    @Override
    public void close() {
        tool.close();
    }

    @Override
    public String toString() {
        return tool + " (priority " + descriptor.priority() + ")";
    }
}
