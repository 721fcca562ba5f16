package dev.modaweave.generators.djl;

import dev.modaweave.tools.NonRetriableToolException;

/**
 * A TorchScript generator cannot be used: its spec file is missing or malformed, its model file
 * is missing or not TorchScript, or the model returned a tensor the spec does not describe. The
 * message names the file and what to fix; retrying does not help.
 */
public class DjlModelException extends NonRetriableToolException {

    public DjlModelException(String message) {
        super(message);
    }

    public DjlModelException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "model_unavailable";
    }
}
