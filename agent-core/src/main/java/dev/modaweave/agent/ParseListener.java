package dev.modaweave.agent;

/**
 * Receives the {@link MetaResponseParser}'s events as they happen, without allocating an event per
 * text delta (SAX-style). The parser's list-returning methods are built on it.
 */
public interface ParseListener {

    /**
     * Text between meta-responses. The range {@code [start, end)} of {@code source} is valid only
     * during this call: copy it to keep it. Successive calls may split one stretch of text anywhere
     * except inside a surrogate pair.
     */
    void onText(CharSequence source, int start, int end);

    /** A complete meta-response; called the moment its closing delimiter was fed. */
    void onMeta(ParseEvent.Meta meta);

    /** A block that could not be read; the parser goes on with the text after it. */
    void onMalformed(ParseEvent.Malformed malformed);
}
