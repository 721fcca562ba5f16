package dev.modaweave.agent;

import java.util.List;

/** Meta-responses failed validation; nothing was dispatched. Carries every error found. */
public class InvalidMetaResponseException extends RuntimeException {
    private final List<ValidationError> errors;

    public InvalidMetaResponseException(List<ValidationError> errors) {
        super(summary(errors));
        this.errors = List.copyOf(errors);
    }

    public List<ValidationError> errors() {
        return errors;
    }

    private static String summary(List<ValidationError> errors) {
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("an InvalidMetaResponseException needs at least one error");
        }
        StringBuilder sb = new StringBuilder(errors.size() == 1 ? "invalid meta-response: " : errors.size() + " problems with the meta-responses: ");
        for (int k = 0; k < errors.size(); k++) {
            sb.append(k == 0 ? "" : "; ").append(errors.get(k));
        }
        return sb.toString();
    }
}
