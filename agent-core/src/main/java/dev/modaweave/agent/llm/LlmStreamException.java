package dev.modaweave.agent.llm;

import dev.langchain4j.exception.LangChain4jException;

/**
 * The LLM's response stream broke off: the connection was reset or closed, or the stream ended
 * without its end marker ({@code data: [DONE]} / a {@code finish_reason} for OpenAI-compatible
 * servers, {@code "done":true} for Ollama). {@link #eventsReceived()} tells whether anything had
 * arrived; the text delivered before the break is all there is, and the answer is incomplete.
 */
public class LlmStreamException extends LangChain4jException {

    private final int eventsReceived;

    /**
     * @param message        what happened, with the URL and how far the stream got
     * @param eventsReceived how many stream events had arrived before the break
     * @param cause          the I/O error, or null when the stream simply ended early
     */
    public LlmStreamException(String message, int eventsReceived, Throwable cause) {
        super(message, cause);
        this.eventsReceived = eventsReceived;
    }

    /** How many stream events (SSE events or NDJSON lines) had arrived before the break. */
    public int eventsReceived() {
        return eventsReceived;
    }
}
