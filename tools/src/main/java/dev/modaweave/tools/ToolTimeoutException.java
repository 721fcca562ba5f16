package dev.modaweave.tools;

/** The call did not finish within its time limit. */
public class ToolTimeoutException extends RetriableToolException {

    public ToolTimeoutException(String message) {
        super(message);
    }

    public ToolTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "timeout";
    }
}
