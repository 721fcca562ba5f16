package dev.modaweave.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.Objects;

/**
 * One call of a tool.
 *
 * @param jobId        the dispatcher's job id; stable across retries, usable as an idempotency key
 * @param arguments    the call's {@code args}, already validated against the tool's schema; every
 *                     {@code {"$ref": id}} has been replaced by the artifact id it resolved to
 * @param inputs       the input artifacts by argument name (e.g. {@code "image"}), with their bytes
 * @param cancellation polled or listened to by the tool
 */
public record GenerationRequest(
        String jobId,
        ObjectNode arguments,
        Map<String, InputArtifact> inputs,
        Cancellation cancellation) {

    public GenerationRequest {
        Objects.requireNonNull(jobId, "jobId");
        arguments = Objects.requireNonNull(arguments, "arguments").deepCopy();
        inputs = Map.copyOf(Objects.requireNonNull(inputs, "inputs"));
        Objects.requireNonNull(cancellation, "cancellation");
    }

    /** A request with no input artifacts and a fresh cancellation signal. */
    public static GenerationRequest of(String jobId, ObjectNode arguments) {
        return new GenerationRequest(jobId, arguments, Map.of(), Cancellation.create());
    }

    /** The text argument {@code name}, or {@code fallback} when absent. */
    public String text(String name, String fallback) {
        var node = arguments.get(name);
        return node == null || node.isNull() ? fallback : node.asText();
    }

    /**
     * An input artifact handed to a tool: its metadata and a way to read its bytes.
     *
     * @param artifact metadata
     * @param bytes    the content
     */
    public record InputArtifact(Artifact artifact, byte[] bytes) {
        public InputArtifact {
            Objects.requireNonNull(artifact, "artifact");
            Objects.requireNonNull(bytes, "bytes");
        }
    }
}
