package dev.modaweave.agent;

import dev.modaweave.tools.Artifact;

import java.util.List;
import java.util.Objects;

/**
 * What the user said in one turn: text and media already stored as artifacts (uploads).
 *
 * @param text  the message; may be empty when media alone is sent
 * @param media artifact ids of the user's images, audio and video, in order
 */
public record UserInput(String text, List<String> media) {

    /** Longest message accepted, in characters. */
    public static final int MAX_TEXT = 32 * 1024;

    public UserInput {
        text = Objects.requireNonNullElse(text, "");
        media = List.copyOf(Objects.requireNonNullElse(media, List.of()));
        if (text.length() > MAX_TEXT) {
            throw new IllegalArgumentException("the message has " + text.length() + " characters; at most " + MAX_TEXT + " are accepted");
        }
        if (text.isBlank() && media.isEmpty()) {
            throw new IllegalArgumentException("the message is empty: send text, media or both");
        }
        if (media.size() > 16) {
            throw new IllegalArgumentException("the message has " + media.size() + " media; at most 16 are accepted");
        }
        media.forEach(Artifact::requireValidId);
    }

    public static UserInput text(String text) {
        return new UserInput(text, List.of());
    }
}
