package dev.modaweave.app.config;

/** The configuration file is unreadable or has an unknown key or a bad value; the message names the key. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
