package dev.modaweave.tools;

/**
 * A generator backend: one class implementing this interface plus a line in
 * {@code META-INF/services/dev.modaweave.tools.GeneratorTool}.
 *
 * <p>{@link #generate} is plain synchronous Java. The worker that hosts the tool owns the
 * concurrency (at most {@link ToolDescriptor#capacity()} calls at once), the time limit, retries
 * and the circuit breaker; the tool only reports progress, checks
 * {@link GenerationRequest#cancellation()} at convenient points, and throws a
 * {@link ToolException} subtype that says whether a retry can help.
 */
public interface GeneratorTool extends AutoCloseable {

    /** What the tool is and accepts. Called once when the tool is registered. */
    ToolDescriptor descriptor();

    /**
     * Generates one piece of media.
     *
     * @param request  the validated arguments, resolved input artifacts and the cancellation signal
     * @param progress where to report progress; may be called from any thread, never blocks
     * @return the produced media; the worker stores it in the artifact store
     * @throws RetriableToolException    when trying again later can help (backend busy, timeout, 5xx)
     * @throws NonRetriableToolException when it cannot (bad arguments, refused credentials, cancelled)
     */
    GenerationResult generate(GenerationRequest request, ProgressListener progress);

    /** Releases models, connections and processes. The default does nothing. */
    @Override
    default void close() {
    }
}
