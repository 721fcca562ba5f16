package dev.modaweave.agent;

import java.util.Locale;
import java.util.Objects;

/**
 * Why a meta-response cannot run. The message is written for people and for the LLM's repair
 * round: it says what is wrong, with which value, and what would be accepted.
 *
 * @param callId  the id of the offending call
 * @param code    the kind of problem
 * @param pointer JSON pointer into the call's {@code args}, or {@code ""} when it concerns the call itself
 * @param message the explanation
 */
public record ValidationError(String callId, Code code, String pointer, String message) {

    public ValidationError {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(pointer, "pointer");
        Objects.requireNonNull(message, "message");
    }

    /** The kinds of validation errors; {@link #wireName()} is used in events and reports. */
    public enum Code {
        UNKNOWN_TASK, UNKNOWN_TOOL, TASK_TOOL_MISMATCH, SCHEMA, DUPLICATE_ID, DANGLING_REF, CYCLIC_REF,
        REF_NOT_ALLOWED, REF_MODALITY_MISMATCH, TOO_MANY_CALLS, ARGUMENTS_TOO_LARGE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Override
    public String toString() {
        return callId + (pointer.isEmpty() ? "" : pointer) + ": " + message + " [" + code.wireName() + "]";
    }
}
