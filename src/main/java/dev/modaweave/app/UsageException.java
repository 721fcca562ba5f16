package dev.modaweave.app;

/** Bad input given on the command line (unreadable file, invalid value): the command exits 2. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
