package dev.modaweave.client;

import java.util.Objects;

/**
 * An artifact's bytes, fetched over the event bus.
 *
 * @param id       the artifact id
 * @param mimeType its media type
 * @param bytes    all of its bytes
 */
public record ArtifactBytes(String id, String mimeType, byte[] bytes) {
    public ArtifactBytes {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(mimeType, "mimeType");
        Objects.requireNonNull(bytes, "bytes");
    }

    /** The number of bytes. */
    public int size() {
        return bytes.length;
    }
}
