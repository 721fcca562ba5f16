package dev.modaweave.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where media lives. Bytes are content-addressed (stored once per SHA-256); artifacts get
 * opaque, random ids. Implementations never build a storage path from a caller's string: ids are
 * checked with {@link Artifact#isValidId} and looked up, not concatenated.
 */
public interface ArtifactStore {

    /**
     * Stores bytes and returns the new artifact.
     *
     * @throws InvalidMediaException if the bytes do not match the declared media type
     */
    Artifact put(byte[] bytes, NewArtifact metadata);

    /** The artifact's metadata, or empty when the id is unknown or malformed. */
    Optional<Artifact> find(String id);

    /**
     * Opens the artifact's bytes.
     *
     * @throws ArtifactNotFoundException when the id is unknown or malformed
     */
    InputStream open(String id);

    /** All bytes of the artifact; for small media. */
    byte[] read(String id);

    /** Deletes the artifact (its bytes too once no other artifact shares them). */
    boolean delete(String id);

    /** The attribute under which a tool worker records the job an artifact was generated for. */
    String JOB_ATTRIBUTE = "job";

    /**
     * The newest artifact generated for {@code jobId} (its {@value #JOB_ATTRIBUTE} attribute), also one
     * another process stored in a shared store; empty when there is none. A worker asks before running
     * a job that was sent again, so that a job whose first worker stored its result and then died
     * without telling anyone is answered with that result instead of being generated twice. Stores
     * that cannot look artifacts up by job answer empty, which only costs that protection.
     */
    default Optional<Artifact> findByJob(String jobId) {
        return Optional.empty();
    }

    /**
     * What describes a new artifact besides its bytes.
     *
     * @param mimeType   declared media type, checked against the bytes' magic numbers
     * @param attributes width, height, durationMs…
     * @param tool       the producing tool, or {@code "upload"}
     * @param arguments  the arguments used
     * @param parents    artifact ids it was made from
     */
    record NewArtifact(String mimeType, Map<String, Object> attributes, String tool, ObjectNode arguments,
                       List<String> parents) {
        public NewArtifact {
            Objects.requireNonNull(mimeType, "mimeType");
            attributes = Map.copyOf(Objects.requireNonNull(attributes, "attributes"));
            Objects.requireNonNull(tool, "tool");
            arguments = Objects.requireNonNull(arguments, "arguments").deepCopy();
            parents = List.copyOf(Objects.requireNonNull(parents, "parents"));
        }
    }
}
