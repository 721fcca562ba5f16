package dev.modaweave.agent;

import java.util.List;
import java.util.Objects;

/** What the {@link MetaResponseParser} emits: plain text, a complete meta-response, or a malformed block. */
public sealed interface ParseEvent {

    /** Ordinary text between meta-responses. */
    record Text(String text) implements ParseEvent {
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * A complete meta-response, emitted the moment its closing delimiter arrived.
     *
     * @param call    the normalised call
     * @param raw     the block exactly as it stood in the text, delimiters included
     * @param repairs what the parser repaired to read it (e.g. "removed a code fence"); empty when nothing
     */
    record Meta(MetaResponse call, String raw, List<String> repairs) implements ParseEvent {
        public Meta {
            Objects.requireNonNull(call, "call");
            Objects.requireNonNull(raw, "raw");
            repairs = List.copyOf(repairs);
        }
    }

    /**
     * A block that looked like a meta-response but could not be read.
     *
     * @param raw    the block's text as received (shortened to the parser's block limit)
     * @param reason what is wrong, for people and for the LLM's repair round
     */
    record Malformed(String raw, String reason) implements ParseEvent {
        public Malformed {
            Objects.requireNonNull(raw, "raw");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
