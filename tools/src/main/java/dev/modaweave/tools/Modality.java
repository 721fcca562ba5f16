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

    /** The modality of a media type by its major type ({@code image/png} → image); text for anything else. */
    public static Modality ofMimeType(String mimeType) {
        String mime = mimeType == null ? "" : mimeType;
        int slash = mime.indexOf('/');
        String major = slash < 0 ? mime : mime.substring(0, slash);
        return switch (major) {
            case "image" -> IMAGE;
            case "video" -> VIDEO;
            case "audio" -> AUDIO;
            default -> TEXT;
        };
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
