package dev.modaweave.generators.diffusion;

import dev.modaweave.tools.NonRetriableToolException;

/**
 * A diffusion pipeline cannot be used: its spec is missing or malformed, a component file is missing
 * or is not TorchScript, the tokenizer directory lacks {@code tokenizer.json}, a GPU spec meets a
 * CPU-only PyTorch engine, or a component rejects its inputs. The message names the file or key and
 * what to fix; retrying does not help.
 */
public class DiffusionModelException extends NonRetriableToolException {

    public DiffusionModelException(String message) {
        super(message);
    }

    public DiffusionModelException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "model_unavailable";
    }
}
