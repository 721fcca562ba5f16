package dev.modaweave.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A stored piece of media, referred to everywhere (bus messages, the conversation, the HTTP API)
 * by its opaque {@link #id()}. The bytes live in an {@link ArtifactStore}, stored once per
 * content (SHA-256).
 *
 * @param id         opaque id, {@code art_} followed by 26 lower-case base-32 characters
 * @param mimeType   e.g. {@code image/png}
 * @param size       bytes
 * @param sha256     hex SHA-256 of the bytes
 * @param attributes descriptive values: {@code width}, {@code height}, {@code durationMs}, {@code frames}…
 * @param tool       the tool that produced it, or {@code "upload"} for user media
 * @param arguments  the arguments it was produced with (empty for uploads)
 * @param parents    ids of the artifacts it was made from (e.g. the image an edit started from)
 * @param created    when it was stored
 */
public record Artifact(
        String id,
        String mimeType,
        long size,
        String sha256,
        Map<String, Object> attributes,
        String tool,
        ObjectNode arguments,
        List<String> parents,
        Instant created) {

    private static final Pattern ID = Pattern.compile("art_[a-z2-7]{26}");

    public Artifact {
        requireValidId(id);
        Objects.requireNonNull(mimeType, "mimeType");
        if (size < 0) {
            throw new IllegalArgumentException("artifact size is negative: " + size);
        }
        Objects.requireNonNull(sha256, "sha256");
        attributes = Map.copyOf(Objects.requireNonNull(attributes, "attributes"));
        Objects.requireNonNull(tool, "tool");
        arguments = Objects.requireNonNull(arguments, "arguments").deepCopy();
        parents = List.copyOf(Objects.requireNonNull(parents, "parents"));
        parents.forEach(Artifact::requireValidId);
        Objects.requireNonNull(created, "created");
    }

    /** Whether {@code id} has the shape of an artifact id. Never touches storage. */
    public static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** @throws IllegalArgumentException quoting the bad id (shortened) */
    public static String requireValidId(String id) {
        if (!isValidId(id)) {
            String shown = id == null ? "null" : id.length() > 80 ? id.substring(0, 80) + "…" : id;
            throw new IllegalArgumentException("'" + shown + "' is not an artifact id; ids look like art_ followed by 26 characters a-z, 2-7");
        }
        return id;
    }

    /** The modality implied by the media type, e.g. {@code image/png} → image. */
    public Modality modality() {
        return Modality.ofMimeType(mimeType);
    }
}
