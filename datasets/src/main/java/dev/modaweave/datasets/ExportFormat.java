package dev.modaweave.datasets;

import java.util.Locale;

/** The formats a build writes; {@link #NATIVE} is the record format itself. */
public enum ExportFormat {
    /** {@code <split>.jsonl} in the output directory: one {@link DatasetRecord} per line. */
    NATIVE("", ".jsonl"),
    /**
     * {@code llava/<split>.json}: a JSON array of LLaVA conversations ({@code from: human/gpt}) for image
     * and text-only records; {@code llava/<split>-video-audio.json} for video and sound records.
     */
    LLAVA("llava", ".json"),
    /**
     * {@code modaverse/<split>.json}: one JSON array of {@code {instruction, media, meta_response}}
     * examples as ModaVerse's loader reads them, one call (or a text answer) each; records ModaVerse
     * cannot express are left out (and counted).
     */
    MODAVERSE("modaverse", ".json"),
    /** {@code openai/<split>.jsonl}: OpenAI chat fine-tuning lines, calls as {@code tool_calls} or {@code <meta>} text. */
    OPENAI("openai", ".jsonl");

    private final String directory;
    private final String extension;

    ExportFormat(String directory, String extension) {
        this.directory = directory;
        this.extension = extension;
    }

    /** Sub-directory of the output directory ({@code ""} for native). */
    public String directory() {
        return directory;
    }

    /** File name of a split in this format. */
    public String fileName(Split split) {
        return split.wireName() + extension;
    }

    /** Lower-case wire name. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name. @throws IllegalArgumentException naming the allowed values */
    public static ExportFormat fromWireName(String name) {
        for (ExportFormat f : values()) {
            if (f.wireName().equalsIgnoreCase(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown export format '" + name + "'; expected native, llava, modaverse or openai");
    }
}
