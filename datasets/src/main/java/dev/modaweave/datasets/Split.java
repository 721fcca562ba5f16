package dev.modaweave.datasets;

import java.util.Locale;

/** The three splits a build writes. */
public enum Split {
    TRAIN, VAL, TEST;

    /** Lower-case wire name, also the file stem ({@code train.jsonl}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name. @throws IllegalArgumentException naming the allowed values */
    public static Split fromWireName(String name) {
        for (Split s : values()) {
            if (s.wireName().equalsIgnoreCase(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown split '" + name + "'; expected train, val or test");
    }
}
