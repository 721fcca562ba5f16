package dev.modaweave.datasets;

import java.util.Locale;

/**
 * ModaVerse's three kinds of instruction data.
 */
public enum RecordKind {
    /** Input-side alignment: media (referred to by caption id) in the user turn, a descriptive answer. */
    ALIGNMENT,
    /** Output-side generation: a request with an intent, answered with text and one meta-response. */
    GENERATION,
    /**
     * Reasoning: several calls with dependencies (an edit of a generated image, an image then its
     * narration), interleaved media, and turns that need no call at all.
     */
    REASONING;

    /** Lower-case wire name. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name. @throws IllegalArgumentException naming the allowed values */
    public static RecordKind fromWireName(String name) {
        for (RecordKind k : values()) {
            if (k.wireName().equals(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown record kind '" + name + "'; expected alignment, generation or reasoning");
    }
}
