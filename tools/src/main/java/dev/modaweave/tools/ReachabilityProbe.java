package dev.modaweave.tools;

import java.time.Duration;
import java.util.Optional;

/**
 * A tool whose backend lives elsewhere (a GPU server, a hosted API) and can say whether that backend can
 * be reached at all, without generating anything: {@code tools list --check}, the worker's
 * announcements and therefore {@code /v1/tools} and {@code /ready} report such a tool as
 * {@code unreachable} instead of {@code available} while the probe fails. A {@link GeneratorTool}
 * implements this interface too when it has such a backend.
 */
public interface ReachabilityProbe {

    /**
     * Checks, blocking for at most about {@code timeout}, that the backend accepts connections.
     *
     * @return empty when it does; otherwise why not, in words that name the address (never a secret)
     */
    Optional<String> probe(Duration timeout);

    /**
     * {@code decorated} (a wrapper of {@code original} that times or counts its calls, say), still probing
     * {@code original}'s backend when {@code original} has a probe and the wrapper does not.
     */
    static GeneratorTool keep(GeneratorTool original, GeneratorTool decorated) {
        if (!(original instanceof ReachabilityProbe probe) || decorated instanceof ReachabilityProbe) {
            return decorated;
        }
        return new Probed(decorated, probe);
    }

    /** A decorated tool that keeps its original's probe. */
    record Probed(GeneratorTool tool, ReachabilityProbe reachability) implements GeneratorTool, ReachabilityProbe {
        @Override
        public ToolDescriptor descriptor() {
            return tool.descriptor();
        }

        @Override
        public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
            return tool.generate(request, progress);
        }

        @Override
        public Optional<String> probe(Duration timeout) {
            return reachability.probe(timeout);
        }

        @Override
        public void close() {
            tool.close();
        }
    }
}
