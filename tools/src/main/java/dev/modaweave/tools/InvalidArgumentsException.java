package dev.modaweave.tools;

/** The call's arguments break the tool's schema or its own rules; the message names the argument and the value. */
public class InvalidArgumentsException extends NonRetriableToolException {

    public InvalidArgumentsException(String message) {
        super(message);
    }

    public InvalidArgumentsException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "invalid_arguments";
    }
}
