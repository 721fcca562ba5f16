package dev.modaweave.app.plugins;

/**
 * A plugin that cannot be used: an unreadable jar, a provider class that does not load (a missing
 * dependency), or a tool name already taken. The message names the jar and the class, and what to do.
 */
public final class PluginException extends RuntimeException {
    public PluginException(String message) {
        super(message);
    }

    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
