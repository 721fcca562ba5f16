package dev.modaweave.tools;

import java.util.Map;
import java.util.Objects;

/**
 * What a tool produced: bytes with their media type and descriptive attributes
 * ({@code width}, {@code height}, {@code durationMs}, {@code frames}, {@code seed}…). The worker
 * checks the bytes against the media type and stores them as an {@link Artifact}.
 *
 * @param bytes      the media
 * @param mimeType   e.g. {@code image/png}, {@code video/mp4}, {@code audio/wav}
 * @param attributes descriptive values, JSON-compatible (numbers, strings, booleans)
 */
public record GenerationResult(byte[] bytes, String mimeType, Map<String, Object> attributes) {

    public GenerationResult {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(mimeType, "mimeType");
        if (bytes.length == 0) {
            throw new InvalidMediaException("the tool produced no bytes for " + mimeType);
        }
        attributes = Map.copyOf(Objects.requireNonNull(attributes, "attributes"));
    }

    public static GenerationResult of(byte[] bytes, String mimeType) {
        return new GenerationResult(bytes, mimeType, Map.of());
    }
}
