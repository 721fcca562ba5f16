package dev.modaweave.agent.llm;

/**
 * The {@code llm:} configuration has a value that cannot work. The message names the key, the value
 * (never an API key) and what is allowed.
 */
public class InvalidLlmConfigException extends IllegalArgumentException {

    /** @param message key, value and what to write instead */
    public InvalidLlmConfigException(String message) {
        super(message);
    }
}
