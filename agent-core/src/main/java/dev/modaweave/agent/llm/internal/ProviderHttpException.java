package dev.modaweave.agent.llm.internal;

import dev.langchain4j.exception.HttpException;

import java.util.Optional;

/**
 * An LLM server answered with a non-2xx status. Unlike LangChain4j's plain {@link HttpException} it
 * keeps the {@code Retry-After} header, so that a retry can wait as long as the server asked.
 * LangChain4j's exception mapper wraps it (429 becomes a {@code RateLimitException} whose cause this
 * is), so callers look for it along the cause chain with {@link #find(Throwable)}.
 */
public final class ProviderHttpException extends HttpException {

    private final String retryAfter;

    /**
     * @param statusCode the HTTP status
     * @param message    what happened, already free of secrets
     * @param retryAfter the raw {@code Retry-After} header value, or null when the server sent none
     */
    public ProviderHttpException(int statusCode, String message, String retryAfter) {
        super(statusCode, message);
        this.retryAfter = retryAfter;
    }

    /** The raw {@code Retry-After} header (delta-seconds or an HTTP-date), if the server sent one. */
    public Optional<String> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The first {@link HttpException} (this type or LangChain4j's own) along the cause chain of an error. */
    public static Optional<HttpException> find(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpException http) {
                return Optional.of(http);
            }
        }
        return Optional.empty();
    }
}
