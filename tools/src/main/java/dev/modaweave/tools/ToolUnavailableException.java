package dev.modaweave.tools;

import java.time.Duration;

/** The backend cannot take the call now (down, overloaded, circuit breaker open). */
public class ToolUnavailableException extends RetriableToolException {

    public ToolUnavailableException(String message) {
        super(message);
    }

    public ToolUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public ToolUnavailableException(String message, Duration retryAfter, Throwable cause) {
        super(message, retryAfter, cause);
    }

    @Override
    public String code() {
        return "unavailable";
    }
}
