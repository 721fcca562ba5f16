package dev.modaweave.agent;

import dev.langchain4j.data.message.ChatMessage;
import dev.modaweave.tools.Modality;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One conversation: its bounded memory of earlier turns and the artifacts made or uploaded in it,
 * which later turns may refer to ("make that image warmer"). Confined to the agent's Vert.x context.
 */
public final class Session {

    /** Session ids: 1-128 letters, digits, {@code _ - .}; they become part of an event-bus address. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    private static final int MAX_ARTIFACTS = 256;

    private final String id;
    private final int memoryMessages;
    private final List<ChatMessage> memory = new ArrayList<>();
    private final LinkedHashMap<String, ArtifactNote> artifacts = new LinkedHashMap<>();
    private long seq;
    private long lastUsed;
    boolean busy;

    Session(String id, int memoryMessages) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("session id " + (id == null ? "null" : "'" + abbreviate(id) + "'")
                    + " is invalid; use 1-128 letters, digits, '_', '-' or '.'");
        }
        this.id = id;
        this.memoryMessages = memoryMessages;
    }

    public String id() {
        return id;
    }

    /** The messages of earlier turns, oldest first. */
    public List<ChatMessage> memory() {
        return List.copyOf(memory);
    }

    /** Artifacts of this session by id, oldest first. */
    public Map<String, ArtifactNote> artifacts() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(artifacts));
    }

    /** The newest artifact of a modality. */
    public Optional<ArtifactNote> last(Modality modality) {
        ArtifactNote found = null;
        for (ArtifactNote note : artifacts.values()) {
            if (note.modality() == modality) {
                found = note;
            }
        }
        return Optional.ofNullable(found);
    }

    /** The artifacts calls may refer to, with their modality. */
    public Map<String, Modality> knownArtifacts() {
        Map<String, Modality> out = new LinkedHashMap<>();
        artifacts.forEach((k, v) -> out.put(k, v.modality()));
        return out;
    }

    void remember(List<ChatMessage> turnMessages) {
        memory.addAll(turnMessages);
        while (memory.size() > memoryMessages) {
            memory.remove(0);
        }
    }

    void addArtifact(ArtifactNote note) {
        artifacts.remove(note.id());
        artifacts.put(note.id(), note);
        while (artifacts.size() > MAX_ARTIFACTS) {
            artifacts.remove(artifacts.keySet().iterator().next());
        }
    }

    long nextSeq() {
        return ++seq;
    }

    void touch(long now) {
        lastUsed = now;
    }

    long lastUsed() {
        return lastUsed;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    /**
     * What the session remembers of an artifact.
     *
     * @param id       artifact id
     * @param modality image, audio, video…
     * @param mimeType media type
     * @param origin   how it came to be: the call's task and prompt, or "uploaded by the user"
     */
    public record ArtifactNote(String id, Modality modality, String mimeType, String origin) {
        public ArtifactNote {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(modality, "modality");
            Objects.requireNonNull(mimeType, "mimeType");
            Objects.requireNonNull(origin, "origin");
        }
    }
}
