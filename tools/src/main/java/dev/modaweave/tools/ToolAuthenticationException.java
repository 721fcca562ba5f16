package dev.modaweave.tools;

/** The backend refused the credentials (HTTP 401/403); the message says which setting to check. */
public class ToolAuthenticationException extends NonRetriableToolException {

    public ToolAuthenticationException(String message) {
        super(message);
    }

    public ToolAuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "unauthorized";
    }
}
