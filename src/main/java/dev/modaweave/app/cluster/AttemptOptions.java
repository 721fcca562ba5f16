package dev.modaweave.app.cluster;

import dev.modaweave.app.UsageException;
import dev.modaweave.tools.ToolWorker;
import picocli.CommandLine.Option;

import java.time.Duration;

/**
 * The time limit and retries of a {@link ToolWorker}, shared by the commands that run tools ({@code worker},
 * {@code generate}) as a picocli {@code @Mixin}.
 */
public final class AttemptOptions {

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "Seconds one attempt of a tool may take (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--attempts", paramLabel = "N", defaultValue = "3",
            description = "Attempts per call when a tool fails in a way a retry can help (busy, 5xx, timeout), counting the first "
                    + "(default: ${DEFAULT-VALUE}).")
    int attempts;

    /** A worker options builder with these settings. @throws UsageException when a value is out of range */
    public ToolWorker.Options.Builder apply(ToolWorker.Options.Builder builder) {
        if (timeoutSeconds < 1) {
            throw new UsageException("--timeout is " + timeoutSeconds + "; use at least 1 second");
        }
        if (attempts < 1 || attempts > 20) {
            throw new UsageException("--attempts is " + attempts + "; use 1 (no retries) to 20");
        }
        return builder.timeout(Duration.ofSeconds(timeoutSeconds)).maxAttempts(attempts);
    }

    /** The longest a call may take: every attempt at its limit plus the longest backoffs between them. */
    public Duration longestCall() {
        return Duration.ofSeconds((long) timeoutSeconds * attempts + 5L * attempts + 30);
    }
}
