package dev.modaweave.tools;

/** The call was cancelled by its caller or by the worker. */
public class ToolCancelledException extends NonRetriableToolException {

    public ToolCancelledException(String message) {
        super(message);
    }

    public ToolCancelledException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "cancelled";
    }
}
