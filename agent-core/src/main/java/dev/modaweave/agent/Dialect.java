package dev.modaweave.agent;

import java.util.Locale;

/** The notation a meta-response was written in; every dialect is normalised to {@link MetaResponse}. */
public enum Dialect {
    /** {@code <meta>{"id":…,"task":…,"args":{…}}</meta>} embedded in text. */
    CANONICAL,
    /**
     * ModaVerse's notations: {@code Modality: [IMAGE] Prompt: …} as its fine-tuned models emit, and
     * the paper's {@code {Model: "T-to-I", Input: "…"}}.
     */
    MODAVERSE,
    /** A chat API's native tool call (OpenAI-style function calling). */
    NATIVE;

    /** Lower-case wire name: {@code canonical}, {@code modaverse}, {@code native}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
