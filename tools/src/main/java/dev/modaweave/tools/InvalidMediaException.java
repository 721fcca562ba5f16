package dev.modaweave.tools;

/** The backend answered with bytes that are not the promised media (wrong magic bytes, empty, over the size cap). */
public class InvalidMediaException extends NonRetriableToolException {

    public InvalidMediaException(String message) {
        super(message);
    }

    public InvalidMediaException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "invalid_media";
    }
}
