package dev.modaweave.agent;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

/**
 * A streaming chat model that also takes the agent's {@link RoundContext}. The agent calls
 * {@link #chat(ChatRequest, RoundContext, StreamingChatResponseHandler)} on such a model and the plain
 * {@code chat(request, handler)} on every other one.
 */
public interface RoundAwareChatModel extends StreamingChatModel {

    /** Streams the answer of one round; {@code context} says which round it is. */
    void chat(ChatRequest request, RoundContext context, StreamingChatResponseHandler handler);
}
