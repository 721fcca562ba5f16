package dev.modaweave.tools;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure that trying again later can fix: backend overloaded, rate limited, 5xx, connection
 * lost. {@link #retryAfter()} carries the backend's hint (HTTP {@code Retry-After}) when it gave one.
 */
public class RetriableToolException extends ToolException {
    private final Duration retryAfter;

    public RetriableToolException(String message) {
        this(message, null, null);
    }

    public RetriableToolException(String message, Throwable cause) {
        this(message, null, cause);
    }

    public RetriableToolException(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    @Override
    public String code() {
        return "unavailable";
    }

    @Override
    public final boolean retriable() {
        return true;
    }
}
