package dev.modaweave.app.run;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

/**
 * Stands in for an LLM when none is configured: the first round's reply is the user's own message,
 * so the meta-responses written in it run through the whole pipeline (parser, validator, dispatcher,
 * tools); later rounds reply with nothing. It does not understand requests; it only executes them.
 */
final class DirectReplyModel implements StreamingChatModel {
    private final String reply;
    private boolean replied;

    DirectReplyModel(String reply) {
        this.reply = reply;
    }

    @Override
    public synchronized void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        String text = replied ? "" : reply;
        replied = true;
        if (!text.isEmpty()) {
            handler.onPartialResponse(text);
        }
        handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from(text)).build());
    }
}
