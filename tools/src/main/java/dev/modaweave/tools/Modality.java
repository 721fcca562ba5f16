package dev.modaweave.tools;

import java.util.Locale;

/**
 * The kinds of media that flow through Modaweave. Speech is {@link #AUDIO}; what distinguishes
 * a speech tool from a sound-effects tool is its task, not its modality.
 */
public enum Modality {
    TEXT, IMAGE, VIDEO, AUDIO;

    /** Lower-case wire name, as used in JSON and in the tool catalog. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a wire name case-insensitively.
     *
     * @throws IllegalArgumentException naming the value and the allowed ones
     */
    public static Modality fromWireName(String name) {
        for (Modality m : values()) {
            if (m.name().equalsIgnoreCase(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown modality '" + name + "'; expected one of text, image, video, audio");
    }
}
