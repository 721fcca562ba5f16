package dev.modaweave.tools;

/**
 * A failure that the same call will hit again: bad arguments, refused credentials, a backend
 * that answers with something that is not the promised media, cancellation.
 */
public class NonRetriableToolException extends ToolException {

    public NonRetriableToolException(String message) {
        super(message, null);
    }

    public NonRetriableToolException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "failed";
    }

    @Override
    public final boolean retriable() {
        return false;
    }
}
