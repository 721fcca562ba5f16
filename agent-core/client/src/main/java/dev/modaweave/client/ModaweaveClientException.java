package dev.modaweave.client;

import java.util.Objects;

/**
 * A request of the client that did not work, with a {@link #code()} saying what the caller can do:
 * {@code no_agent} (nothing on the cluster answers the agent's address: start {@code modaweave serve
 * --cluster}, or join the cluster it runs in), {@code timeout}, {@code refused} (the agent or the store
 * refused the request, e.g. {@code session_busy}, {@code bad_request}), {@code not_found} (no such
 * artifact), {@code closed} (the client was closed).
 */
public final class ModaweaveClientException extends RuntimeException {

    private final String code;

    public ModaweaveClientException(String code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ModaweaveClientException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** What went wrong, as a short word: {@code no_agent}, {@code timeout}, {@code refused}, {@code not_found}, {@code closed}. */
    public String code() {
        return code;
    }
}
