package dev.modaweave.tools;

/**
 * Base of every error a tool or the worker reports. Subclasses say what the caller can do:
 * {@link RetriableToolException} (trying again later can help) or {@link NonRetriableToolException}
 * (it cannot). Each carries a stable machine-readable {@link #code()}.
 */
public abstract class ToolException extends RuntimeException {

    protected ToolException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Stable error code for the wire, e.g. {@code "timeout"}, {@code "invalid_arguments"}. */
    public abstract String code();

    /** Whether the worker's retry policy may try the call again. */
    public abstract boolean retriable();
}
