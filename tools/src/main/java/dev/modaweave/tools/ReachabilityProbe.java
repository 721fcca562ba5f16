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
}
